/* A program that loads the installed library at run time by its soname. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
    void *h = dlopen("libfilelock.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    const char *(*version)(void) = (const char *(*)(void))dlsym(h, "fl_version_string");
    if (!version) return 2;
    printf("%s\n", version());
    dlclose(h);
    return 0;
}
