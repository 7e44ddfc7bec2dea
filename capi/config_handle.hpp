// config_handle.hpp - the opaque fl_config handle, shared by the config and
// batch parts of the C API (a batch is built from a loaded config).
#pragma once

#include <cstdint>

#include "config.hpp"
#include "handles.hpp"

struct fl_config {
    uint32_t magic = filelock::capi::kConfigMagic;
    filelock::Config c;
};
