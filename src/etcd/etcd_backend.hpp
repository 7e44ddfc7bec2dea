// etcd_backend.hpp - the etcd backend: locks are keys under a prefix on an
// etcd v3 cluster, reached through its JSON gateway (docs/etcd.md).
#pragma once

#include "engine.hpp"

namespace filelock {

const Backend &etcd_backend();

} // namespace filelock
