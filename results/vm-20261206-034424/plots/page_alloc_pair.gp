# Order-0 alloc_page + __free_page pairs vs threads. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'page_alloc_pair.png'" page_alloc_pair.gp

set multiplot layout 1,2 title 'order-0 alloc_page + __free_page pairs through the pcp lists (median)'
set xrange [0.7:2.3]
set xtics 1
set xlabel 'threads'
set grid
set key top left
set ylabel 'ns per pair (one thread CPU time)'
set yrange [0:*]
plot 'page_alloc_pair.dat' using 1:2 with linespoints lw 2 title 'batch 1', \
     'page_alloc_pair.dat' using 1:4 with linespoints lw 2 title 'batch 8', \
     'page_alloc_pair.dat' using 1:6 with linespoints lw 2 title 'batch 64', \
     'page_alloc_pair.dat' using 1:8 with linespoints lw 2 title 'batch 512'
set ylabel 'Mops/s, all threads (wall clock)'
set key top left
plot 'page_alloc_pair.dat' using 1:3 with linespoints lw 2 title 'batch 1', \
     'page_alloc_pair.dat' using 1:5 with linespoints lw 2 title 'batch 8', \
     'page_alloc_pair.dat' using 1:7 with linespoints lw 2 title 'batch 64', \
     'page_alloc_pair.dat' using 1:9 with linespoints lw 2 title 'batch 512', \
     'page_alloc_pair.dat' using 1:10 with linespoints dt 2 lw 2 lc rgb 'black' title 'batch 1 x compute-ceiling scaling', \
     'page_alloc_pair.dat' using 1:11 with lines dt 3 lc rgb 'gray40' title 'batch 1 x threads (ideal)'
unset multiplot
