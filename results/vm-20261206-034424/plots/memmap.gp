# Memory map conversions: ns per op. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'memmap.png'" memmap.gp

set title 'memory map conversions over random pfns (one thread CPU ns per op, median)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'ns per conversion'
set yrange [0:*]
set grid ytics
set key top left
set xtics rotate by -30
plot 'memmap.dat' using 2:xtic(1) title '1 thread', \
     '' using 3 title '2 threads'
