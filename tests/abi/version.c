/* version - one version everywhere: meson's project version (passed in as
 * FL_PROJECT_VERSION), the header's macros, and what the loaded library
 * reports.  Prints TAP. */
#include <stdio.h>
#include <string.h>

#include "filelock.h"

int main(void)
{
    int failed = 0;
    printf("1..2\n");
    int ok = strcmp(FL_LIB_VERSION_STRING, FL_PROJECT_VERSION) == 0;
    printf("%s 1 - header FL_LIB_VERSION_STRING %s is the project version %s\n", ok ? "ok" : "not ok",
           FL_LIB_VERSION_STRING, FL_PROJECT_VERSION);
    failed += !ok;
    ok = strcmp(fl_version_string(), FL_PROJECT_VERSION) == 0 &&
         fl_version_number() == FL_LIB_VERSION_NUMBER;
    printf("%s 2 - the loaded library reports %s (%d)\n", ok ? "ok" : "not ok", fl_version_string(),
           fl_version_number());
    failed += !ok;
    return failed ? 1 : 0;
}
