# onnc-campaign plot: top-1 vs fault rate per mitigation, Wilson 95 % error bars.
set xlabel 'fault rate (% of cells)'
set ylabel 'top-1 accuracy'
set logscale x
set key bottom left
set grid
set yrange [0:1]
set offsets graph 0.05, graph 0.05, 0, 0
set terminal svg size 800,560
set output 'resnet_small_w8.svg'
plot 'resnet_small_w8.dat' index 0 using 1:2:3:4 with yerrorlines title 'none', 'resnet_small_w8.dat' index 1 using 1:2:3:4 with yerrorlines title 'add-sub', 'resnet_small_w8.dat' index 2 using 1:2:3:4 with yerrorlines title 'lsb', 'resnet_small_w8.dat' index 3 using 1:2:3:4 with yerrorlines title 'c1', 'resnet_small_w8.dat' index 4 using 1:2:3:4 with yerrorlines title 'optimal:c1', 0.941 with lines dashtype 2 lc 'black' title 'fault-free'
set terminal pngcairo size 800,560
set output 'resnet_small_w8.png'
replot
unset output
