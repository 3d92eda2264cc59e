# Loaded latency: chase latency against the load thread's bandwidth. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'numa_loaded.png'" numa_loaded.gp

set title 'loaded latency: 128 MiB chase on node 0 vs a throttled read+write load thread (median)'
set xlabel 'load thread bandwidth (GB/s)'
set ylabel 'ns per dependent load'
set yrange [0:*]
set grid
set key top left
plot 'numa_loaded.dat' index 0 using 1:2 with linespoints lw 2 title 'numamm_hugetlb', \
     '' index 1 using 1:2 with linespoints lw 2 title 'numamm_4k', \
     '' index 2 using 1:2 with linespoints lw 2 title 'numa_alloc_onnode'
