# alloc_pages + __free_pages ns/op by order. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'page_alloc_buddy.png'" page_alloc_buddy.gp

set title 'alloc_pages + __free_pages by order (one thread CPU ns per pair, median)'
set xlabel 'order (0..3: pcp lists, 4..: buddy lists under zone->lock)'
set ylabel 'ns per alloc+free'
set logscale y
set xtics 1
set grid
set key bottom right
plot 'page_alloc_buddy.dat' using 1:2 with linespoints lw 2 title '1 thread', \
     '' using 1:3 with linespoints lw 2 title '2 threads', \
     '' using 1:4 with linespoints lw 2 dt 2 title '1 thread, pcp held (buddy path)', \
     '' using 1:5 with linespoints lw 2 dt 2 title '2 threads, pcp held (buddy path)'
