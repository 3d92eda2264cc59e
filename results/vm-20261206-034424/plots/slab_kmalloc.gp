# kmalloc + kfree vs the peers' malloc + free by size. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'slab_kmalloc.png'" slab_kmalloc.gp

set title 'kmalloc + kfree (solid) vs malloc + free of the peers (dashed): one thread CPU ns per pair, median'
set xlabel 'size (bytes)'
set ylabel 'ns per alloc+free pair (log)'
set logscale x 2
set logscale y
set grid
set key top left
plot 'slab_kmalloc.dat' using 1:2 with linespoints lw 2 dt 1 title 'slub', \
     '' using 1:3 with linespoints lw 2 dt 1 title 'slab', \
     '' using 1:4 with linespoints lw 2 dt 1 title 'slob', \
     '' using 1:5 with linespoints lw 2 dt 2 title 'mimalloc', \
     '' using 1:6 with linespoints lw 2 dt 2 title 'jemalloc', \
     '' using 1:7 with linespoints lw 2 dt 2 title 'tcmalloc', \
     '' using 1:8 with linespoints lw 2 dt 2 title 'glibc'
