module filelock

go 1.19
