// The public header compiles as C++ (-pedantic -Werror) with C linkage.
#include "filelock.h"

#include <cstdio>
#include <type_traits>

static_assert(std::is_same_v<decltype(&fl_acquire), int (*)(fl_lock *, int64_t)>);
static_assert(FL_WAIT_FOREVER == -1 && FL_WAIT_DEFAULT == -2);

int main()
{
    bool ok = fl_strerror(FL_EBUSY) != nullptr && fl_version_number() == FL_LIB_VERSION_NUMBER;
    std::printf("1..1\n%s 1 - header compiles as C++\n", ok ? "ok" : "not ok");
    return ok ? 0 : 1;
}
