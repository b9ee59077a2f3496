# onnc-campaign plot: top-1 vs faulty bit of a MAC operand lane per stuck value and mitigation, Wilson 95 % error bars.
set terminal svg size 1100,520
set output 'lenet5_cmac.svg'
set multiplot layout 1,2
set xlabel 'faulty bit of the operand lane'
set ylabel 'top-1 accuracy'
set key bottom left opaque font ',9'
set grid
set yrange [0:1]
set xtics 1
set offsets 0.3, 0.3, 0, 0
set title 'weight operand'
plot 'lenet5_cmac.dat' index 0 using 1:2:3:4 with yerrorlines title 'sa0 none', 'lenet5_cmac.dat' index 1 using 1:2:3:4 with yerrorlines title 'sa0 sign-bit', 'lenet5_cmac.dat' index 2 using 1:2:3:4 with yerrorlines title 'sa0 inverse-sign-bit', 'lenet5_cmac.dat' index 3 using 1:2:3:4 with yerrorlines title 'sa0 sign-bit-clamp', 'lenet5_cmac.dat' index 4 using 1:2:3:4 with yerrorlines title 'sa0 optimal:sign-bit', 'lenet5_cmac.dat' index 5 using 1:2:3:4 with yerrorlines title 'sa1 none', 'lenet5_cmac.dat' index 6 using 1:2:3:4 with yerrorlines title 'sa1 sign-bit', 'lenet5_cmac.dat' index 7 using 1:2:3:4 with yerrorlines title 'sa1 inverse-sign-bit', 'lenet5_cmac.dat' index 8 using 1:2:3:4 with yerrorlines title 'sa1 sign-bit-clamp', 'lenet5_cmac.dat' index 9 using 1:2:3:4 with yerrorlines title 'sa1 optimal:sign-bit', 0.9113 with lines dashtype 2 lc 'black' title 'fault-free'
set title 'data operand'
plot 'lenet5_cmac.dat' index 10 using 1:2:3:4 with yerrorlines title 'sa0 none', 'lenet5_cmac.dat' index 11 using 1:2:3:4 with yerrorlines title 'sa0 sign-bit', 'lenet5_cmac.dat' index 12 using 1:2:3:4 with yerrorlines title 'sa0 inverse-sign-bit', 'lenet5_cmac.dat' index 13 using 1:2:3:4 with yerrorlines title 'sa0 sign-bit-clamp', 'lenet5_cmac.dat' index 14 using 1:2:3:4 with yerrorlines title 'sa0 optimal:sign-bit', 'lenet5_cmac.dat' index 15 using 1:2:3:4 with yerrorlines title 'sa1 none', 'lenet5_cmac.dat' index 16 using 1:2:3:4 with yerrorlines title 'sa1 sign-bit', 'lenet5_cmac.dat' index 17 using 1:2:3:4 with yerrorlines title 'sa1 inverse-sign-bit', 'lenet5_cmac.dat' index 18 using 1:2:3:4 with yerrorlines title 'sa1 sign-bit-clamp', 'lenet5_cmac.dat' index 19 using 1:2:3:4 with yerrorlines title 'sa1 optimal:sign-bit', 0.9113 with lines dashtype 2 lc 'black' title 'fault-free'
unset multiplot
set terminal pngcairo size 1100,520
set output 'lenet5_cmac.png'
set multiplot layout 1,2
set xlabel 'faulty bit of the operand lane'
set ylabel 'top-1 accuracy'
set key bottom left opaque font ',9'
set grid
set yrange [0:1]
set xtics 1
set offsets 0.3, 0.3, 0, 0
set title 'weight operand'
plot 'lenet5_cmac.dat' index 0 using 1:2:3:4 with yerrorlines title 'sa0 none', 'lenet5_cmac.dat' index 1 using 1:2:3:4 with yerrorlines title 'sa0 sign-bit', 'lenet5_cmac.dat' index 2 using 1:2:3:4 with yerrorlines title 'sa0 inverse-sign-bit', 'lenet5_cmac.dat' index 3 using 1:2:3:4 with yerrorlines title 'sa0 sign-bit-clamp', 'lenet5_cmac.dat' index 4 using 1:2:3:4 with yerrorlines title 'sa0 optimal:sign-bit', 'lenet5_cmac.dat' index 5 using 1:2:3:4 with yerrorlines title 'sa1 none', 'lenet5_cmac.dat' index 6 using 1:2:3:4 with yerrorlines title 'sa1 sign-bit', 'lenet5_cmac.dat' index 7 using 1:2:3:4 with yerrorlines title 'sa1 inverse-sign-bit', 'lenet5_cmac.dat' index 8 using 1:2:3:4 with yerrorlines title 'sa1 sign-bit-clamp', 'lenet5_cmac.dat' index 9 using 1:2:3:4 with yerrorlines title 'sa1 optimal:sign-bit', 0.9113 with lines dashtype 2 lc 'black' title 'fault-free'
set title 'data operand'
plot 'lenet5_cmac.dat' index 10 using 1:2:3:4 with yerrorlines title 'sa0 none', 'lenet5_cmac.dat' index 11 using 1:2:3:4 with yerrorlines title 'sa0 sign-bit', 'lenet5_cmac.dat' index 12 using 1:2:3:4 with yerrorlines title 'sa0 inverse-sign-bit', 'lenet5_cmac.dat' index 13 using 1:2:3:4 with yerrorlines title 'sa0 sign-bit-clamp', 'lenet5_cmac.dat' index 14 using 1:2:3:4 with yerrorlines title 'sa0 optimal:sign-bit', 'lenet5_cmac.dat' index 15 using 1:2:3:4 with yerrorlines title 'sa1 none', 'lenet5_cmac.dat' index 16 using 1:2:3:4 with yerrorlines title 'sa1 sign-bit', 'lenet5_cmac.dat' index 17 using 1:2:3:4 with yerrorlines title 'sa1 inverse-sign-bit', 'lenet5_cmac.dat' index 18 using 1:2:3:4 with yerrorlines title 'sa1 sign-bit-clamp', 'lenet5_cmac.dat' index 19 using 1:2:3:4 with yerrorlines title 'sa1 optimal:sign-bit', 0.9113 with lines dashtype 2 lc 'black' title 'fault-free'
unset multiplot
unset output
