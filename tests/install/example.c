/* The README's C example, built against the installed library. */
#include <filelock.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    const char *target = argc > 1 ? argv[1] : "report.pptx";
    fl_lock *lock = NULL;
    int rc = fl_lock_new(&lock, target, NULL);
    if (rc == FL_OK) rc = fl_acquire(lock, 10000);
    if (rc != FL_OK) {
        fprintf(stderr, "%s: %s\n", fl_strerror(rc), fl_last_error_message());
        fl_lock_free(lock);
        return 1;
    }
    printf("held %s with libfilelock %s\n", fl_lock_path(lock), fl_version_string());
    fl_release(lock);
    fl_lock_free(lock);
    return 0;
}
