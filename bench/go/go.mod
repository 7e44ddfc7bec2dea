module filelockbench

go 1.19

require filelock v0.0.0

replace filelock => ../../bindings/go
