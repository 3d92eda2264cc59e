# Pointer-chase latency by working-set size, 2 MiB vs 4 KiB pages. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'numa_latency.png'" numa_latency.gp

set title 'dependent pointer chase over a random cycle, node 0 -> node 0 (ns per load, median)'
set xlabel 'working set (KiB)'
set ylabel 'ns per load'
set logscale x 2
set logscale y
set grid
set key top left
plot 'numa_latency.dat' using 1:2 with linespoints lw 2 title 'numamm_hugetlb', \
     '' using 1:3 with linespoints lw 2 title 'numamm_4k', \
     '' using 1:4 with linespoints lw 2 title 'numa_alloc_onnode'
