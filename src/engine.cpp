#include "engine.hpp"

#include "error.hpp"
#include "file/file_backend.hpp"
#ifdef FILELOCK_HAVE_ETCD
#include "etcd/etcd_backend.hpp"
#endif

namespace filelock {

int backend_for(const std::string &b, const Backend **out)
{
    if (b.empty() || b == "file") {
        *out = &file_backend();
        return FL_OK;
    }
    std::string scheme = b.substr(0, b.find(':'));
#ifdef FILELOCK_HAVE_ETCD
    if (scheme == "etcd" || scheme == "etcds") {
        *out = &etcd_backend();
        return FL_OK;
    }
    return fail(FL_ENOTSUP, "lock backend '" + scheme + "' is not part of this build (known: file, etcd)");
#else
    return fail(FL_ENOTSUP, "lock backend '" + scheme + "' is not part of this build (known: file)");
#endif
}

int check_backend(const std::string &name)
{
    const Backend *b = nullptr;
    if (int rc = backend_for(name, &b); rc != FL_OK) return rc;
    return b->validate(name);
}

} // namespace filelock
