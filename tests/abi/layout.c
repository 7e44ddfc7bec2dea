/* layout - the public header's binary layout as JSON: the size and every
 * field's offset and size of each public struct, and every constant.
 * Bindings (Python ctypes, Rust -sys, Go cgo) check their own declarations
 * against this file (filelock-layout.json in the build directory), so a
 * binding can never silently disagree with the C header.
 */
#include <stddef.h>
#include <stdio.h>

#include "filelock.h"

static int first;

static void begin(const char *name, size_t size)
{
    printf("%s    \"%s\": {\"size\": %zu, \"fields\": {", first ? "" : ",\n", name, size);
    first = 0;
}

#define FIELD(type, field, sep)                                                         \
    printf("%s\"%s\": [%zu, %zu]", sep, #field, offsetof(type, field), sizeof(((type *)0)->field))

static void constant(const char *name, long long value, int last)
{
    printf("    \"%s\": %lld%s\n", name, value, last ? "" : ",");
}

int main(void)
{
    printf("{\n  \"version\": \"%s\",\n  \"structs\": {\n", FL_LIB_VERSION_STRING);
    first = 1;
    begin("fl_lock_info", sizeof(fl_lock_info));
    FIELD(fl_lock_info, struct_size, "");
    FIELD(fl_lock_info, lock_path, ", ");
    FIELD(fl_lock_info, target_path, ", ");
    FIELD(fl_lock_info, pid, ", ");
    FIELD(fl_lock_info, host, ", ");
    FIELD(fl_lock_info, boot_id, ", ");
    FIELD(fl_lock_info, start_token, ", ");
    FIELD(fl_lock_info, acquired_ms, ", ");
    FIELD(fl_lock_info, age_ms, ", ");
    FIELD(fl_lock_info, held, ", ");
    FIELD(fl_lock_info, holder, ", ");
    FIELD(fl_lock_info, stale, ", ");
    FIELD(fl_lock_info, record_valid, ", ");
    FIELD(fl_lock_info, tag, ", ");
    FIELD(fl_lock_info, reason, ", ");
    FIELD(fl_lock_info, size_bytes, ", ");
    FIELD(fl_lock_info, foreign, ", ");
    FIELD(fl_lock_info, kind, ", ");
    FIELD(fl_lock_info, other_host, ", ");
    FIELD(fl_lock_info, fencing_token, ", ");
    FIELD(fl_lock_info, lease_ttl_ms, ", ");
    printf("}}");
    begin("fl_scan_error", sizeof(fl_scan_error));
    FIELD(fl_scan_error, struct_size, "");
    FIELD(fl_scan_error, path, ", ");
    FIELD(fl_scan_error, message, ", ");
    FIELD(fl_scan_error, code, ", ");
    printf("}}");
    begin("fl_lock_list", sizeof(fl_lock_list));
    FIELD(fl_lock_list, struct_size, "");
    FIELD(fl_lock_list, items, ", ");
    FIELD(fl_lock_list, count, ", ");
    FIELD(fl_lock_list, errors, ", ");
    FIELD(fl_lock_list, error_count, ", ");
    printf("}}");
    begin("fl_clean_report", sizeof(fl_clean_report));
    FIELD(fl_clean_report, struct_size, "");
    FIELD(fl_clean_report, stale_locks, ", ");
    FIELD(fl_clean_report, count, ", ");
    FIELD(fl_clean_report, stale_count, ", ");
    FIELD(fl_clean_report, errors, ", ");
    FIELD(fl_clean_report, error_count, ", ");
    FIELD(fl_clean_report, dry_run, ", ");
    printf("}}");
    begin("fl_file_result", sizeof(fl_file_result));
    FIELD(fl_file_result, struct_size, "");
    FIELD(fl_file_result, path, ", ");
    FIELD(fl_file_result, status, ", ");
    FIELD(fl_file_result, code, ", ");
    FIELD(fl_file_result, attempts, ", ");
    FIELD(fl_file_result, lock_wait_us, ", ");
    FIELD(fl_file_result, process_us, ", ");
    FIELD(fl_file_result, message, ", ");
    printf("}}");
    begin("fl_batch_results", sizeof(fl_batch_results));
    FIELD(fl_batch_results, struct_size, "");
    FIELD(fl_batch_results, items, ", ");
    FIELD(fl_batch_results, count, ", ");
    FIELD(fl_batch_results, done, ", ");
    FIELD(fl_batch_results, failed, ", ");
    FIELD(fl_batch_results, locked_out, ", ");
    FIELD(fl_batch_results, skipped, ", ");
    FIELD(fl_batch_results, cancelled, ", ");
    FIELD(fl_batch_results, errors, ", ");
    FIELD(fl_batch_results, wall_us, ", ");
    printf("}}\n  },\n  \"constants\": {\n");
#define ERROR_CONSTANT(name, value, text) constant(#name, value, 0);
    FL_ERROR_LIST(ERROR_CONSTANT)
#undef ERROR_CONSTANT
    constant("FL_WAIT_FOREVER", FL_WAIT_FOREVER, 0);
    constant("FL_WAIT_DEFAULT", FL_WAIT_DEFAULT, 0);
    constant("FL_HOLDER_UNKNOWN", FL_HOLDER_UNKNOWN, 0);
    constant("FL_HOLDER_ALIVE", FL_HOLDER_ALIVE, 0);
    constant("FL_HOLDER_DEAD", FL_HOLDER_DEAD, 0);
    constant("FL_CONFIG_IGNORE_ENV", FL_CONFIG_IGNORE_ENV, 0);
    constant("FL_LOG_TRACE", FL_LOG_TRACE, 0);
    constant("FL_LOG_DEBUG", FL_LOG_DEBUG, 0);
    constant("FL_LOG_INFO", FL_LOG_INFO, 0);
    constant("FL_LOG_WARN", FL_LOG_WARN, 0);
    constant("FL_LOG_ERROR", FL_LOG_ERROR, 0);
    constant("FL_LOG_OFF", FL_LOG_OFF, 0);
    constant("FL_FILE_DONE", FL_FILE_DONE, 0);
    constant("FL_FILE_FAILED", FL_FILE_FAILED, 0);
    constant("FL_FILE_LOCKED_OUT", FL_FILE_LOCKED_OUT, 0);
    constant("FL_FILE_SKIPPED", FL_FILE_SKIPPED, 0);
    constant("FL_FILE_CANCELLED", FL_FILE_CANCELLED, 0);
    constant("FL_FILE_ERROR", FL_FILE_ERROR, 0);
    constant("FL_LIB_VERSION_NUMBER", FL_LIB_VERSION_NUMBER, 1);
    printf("  }\n}\n");
    return 0;
}
