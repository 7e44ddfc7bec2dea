#include "engine.hpp"

#include "error.hpp"
#include "file/file_backend.hpp"

namespace filelock {

int backend_for(const Options &opts, const Backend **out)
{
    const std::string &b = opts.backend;
    if (b.empty() || b == "file") {
        *out = &file_backend();
        return FL_OK;
    }
    std::string scheme = b.substr(0, b.find(':'));
    return fail(FL_ENOTSUP, "lock backend '" + scheme + "' is not part of this build (known: file)");
}

} // namespace filelock
