package filelock

// The Go functions the C library calls back (through cshim.go).

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"runtime/cgo"
)

//export goflProcess
func goflProcess(path *C.char, handle C.uintptr_t) C.int {
	r := cgo.Handle(handle).Value().(*runCtx)
	return r.run(C.GoString(path))
}

//export goflProgress
func goflProgress(done, total C.size_t, handle C.uintptr_t) {
	fn := cgo.Handle(handle).Value().(func(done, total int))
	defer func() { _ = recover() }()
	fn(int(done), int(total))
}

//export goflLog
func goflLog(level C.int, message *C.char) {
	deliverLog(int(level), C.GoString(message))
}
