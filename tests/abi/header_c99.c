/* The public header compiles as strict C99 (built with -std=c99 -pedantic
 * -Werror) and links against the library. */
#include "filelock.h"

#include <stdio.h>

int main(void)
{
    fl_lock_info info;
    info.struct_size = sizeof info;
    printf("1..1\n%s 1 - header compiles as C99 and the library reports %s\n",
           fl_version_number() == FL_LIB_VERSION_NUMBER ? "ok" : "not ok", fl_version_string());
    return fl_version_number() == FL_LIB_VERSION_NUMBER && info.struct_size > 0 ? 0 : 1;
}
