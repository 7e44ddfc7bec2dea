package filelock

/*
#include <stdlib.h>
#include <filelock.h>
*/
import "C"

import (
	"runtime"
	"strings"
	"time"
	"unsafe"
)

// Config is a loaded `file_locking:` configuration: built-in defaults,
// then the YAML file's section, then the FILELOCK_* environment, then Set.
// The keys are the C library's (docs/config.md); unknown keys are errors.
type Config struct {
	c *C.fl_config
}

func wrapConfig(c *C.fl_config) *Config {
	cfg := &Config{c: c}
	runtime.SetFinalizer(cfg, func(x *Config) { C.fl_config_free(x.c) })
	return cfg
}

func envFlags(withEnv bool) C.uint32_t {
	if withEnv {
		return 0
	}
	return C.FL_CONFIG_IGNORE_ENV
}

// NewConfig gives the defaults and, if withEnv, the FILELOCK_* environment.
func NewConfig(withEnv bool) (*Config, error) {
	var c *C.fl_config
	if _, err := call(func() C.int { return C.fl_config_new(&c, envFlags(withEnv)) }); err != nil {
		return nil, err
	}
	return wrapConfig(c), nil
}

// LoadConfig loads a YAML file (and the environment); errors name the
// file, line and column.
func LoadConfig(path string) (*Config, error) {
	if err := noNUL(path); err != nil {
		return nil, err
	}
	p := cstr(path)
	defer free(p)
	var c *C.fl_config
	if _, err := call(func() C.int { return C.fl_config_load_file(&c, p, 0) }); err != nil {
		return nil, err
	}
	return wrapConfig(c), nil
}

// ParseConfig loads YAML text (and the environment); name stands for the
// file name in messages.
func ParseConfig(yaml, name string) (*Config, error) {
	if err := noNUL(yaml + name); err != nil {
		return nil, err
	}
	y, n := cstr(yaml), cstr(name)
	defer free(y)
	defer free(n)
	var c *C.fl_config
	if _, err := call(func() C.int { return C.fl_config_load_string(&c, y, n, 0) }); err != nil {
		return nil, err
	}
	return wrapConfig(c), nil
}

// Set sets one key from text, with the file's validation.
func (cfg *Config) Set(key, value string) error {
	if err := noNUL(key + value); err != nil {
		return err
	}
	k, v := cstr(key), cstr(value)
	defer free(k)
	defer free(v)
	_, err := call(func() C.int { return C.fl_config_set(cfg.c, k, v) })
	runtime.KeepAlive(cfg)
	return err
}

// Get gives a key's value as text that Set accepts.
func (cfg *Config) Get(key string) (string, error) {
	k := cstr(key)
	defer free(k)
	var out *C.char
	if _, err := call(func() C.int { return C.fl_config_get(cfg.c, k, &out) }); err != nil {
		return "", err
	}
	defer C.fl_free(unsafe.Pointer(out))
	runtime.KeepAlive(cfg)
	return C.GoString(out), nil
}

// Duration gives a duration key (timeout_seconds, retry_delay_seconds,
// poll_interval_seconds, stale_threshold_hours).
func (cfg *Config) Duration(key string) (time.Duration, error) {
	k := cstr(key)
	defer free(k)
	var v C.int64_t
	if _, err := call(func() C.int { return C.fl_config_get_ms(cfg.c, k, &v) }); err != nil {
		return 0, err
	}
	runtime.KeepAlive(cfg)
	return time.Duration(v) * time.Millisecond, nil
}

// Bool gives a boolean key (enabled, cleanup_stale_locks, remove_lock_files, shared).
func (cfg *Config) Bool(key string) (bool, error) {
	k := cstr(key)
	defer free(k)
	var v C.int
	if _, err := call(func() C.int { return C.fl_config_get_bool(cfg.c, k, &v) }); err != nil {
		return false, err
	}
	runtime.KeepAlive(cfg)
	return v != 0, nil
}

// ParseSeconds parses a duration in seconds as the configuration does
// ("2.5", "30"; "inf" when allowInf, giving -1).
func ParseSeconds(text string, allowInf bool) (time.Duration, error) {
	if err := noNUL(text); err != nil {
		return 0, err
	}
	t := cstr(text)
	defer free(t)
	var v C.int64_t
	if _, err := call(func() C.int { return C.fl_parse_seconds(t, flag(allowInf), &v) }); err != nil {
		return 0, err
	}
	if v < 0 {
		return -1, nil
	}
	return time.Duration(v) * time.Millisecond, nil
}

func noNUL(s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return &Error{Code: int(C.FL_EINVAL), Message: "argument contains a NUL byte"}
	}
	return nil
}
