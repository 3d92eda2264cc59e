# STREAM bandwidth, node 0 -> node 0: numamm vs numa_alloc_onnode. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'numa_bw.png'" numa_bw.gp

set title 'STREAM kernels, threads on node 0, memory on node 0 (GB/s, wall clock, median)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'GB/s'
set yrange [0:*]
set grid ytics
set key top left
plot 'numa_bw.dat' using 2:xtic(1) title 'numamm_hugetlb', \
     '' using 3 title 'numamm_4k', \
     '' using 4 title 'numa_alloc_onnode'
