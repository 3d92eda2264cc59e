# Boot + first touch: ms per GiB, numamm vs raw backing. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'boot_ms_per_GiB.png'" boot_ms_per_GiB.gp

set title 'nmm_boot + touch + nmm_shutdown vs the raw backing (wall ms per GiB, median; label = numamm/raw)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set ylabel 'ms per GiB'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set xtics rotate by -30
set key top left
set grid ytics
plot 'boot_ms_per_GiB.dat' using 2:xtic(1) title 'numamm', \
     '' using 3 title 'raw peer', \
     '' using 0:(($2>$3||$3!=$3)?$2:$3):(sprintf('%.2fx', $4)) with labels offset 0,0.8 notitle
