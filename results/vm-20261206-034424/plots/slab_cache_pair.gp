# kmem_cache alloc+free vs malloc+free, tight pairs. Re-plot: cd plots && gnuplot -e "set terminal pngcairo size 1100,600; set output 'slab_cache_pair.png'" slab_cache_pair.gp

set title 'kmem_cache_alloc + kmem_cache_free (slub/slab/slob) vs malloc + free (peers), tight pairs, 1 thread (CPU ns, median)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'ns per alloc+free pair (log)'
set logscale y
set yrange [1:*]
set grid ytics
set key top left
plot 'slab_cache_pair.dat' using 2:xtic(1) title 'slub', \
     '' using 3 title 'slab', \
     '' using 4 title 'slob', \
     '' using 5 title 'mimalloc', \
     '' using 6 title 'jemalloc', \
     '' using 7 title 'tcmalloc', \
     '' using 8 title 'glibc'
