// results.hpp - building the public result structs from core results, and
// freeing them (results.cpp).
#pragma once

#include "batch.hpp"
#include "file/cleanup.hpp"
#include "file/scan.hpp"
#include "file/stale.hpp"
#include "filelock.h"

namespace filelock::capi {

fl_lock_info *new_lock_info(const LockInfo &info);
void free_lock_info(fl_lock_info *info);

fl_scan_error *new_scan_error(const std::string &path, const std::string &message, int code);
void free_scan_error(fl_scan_error *e);

fl_lock_list *new_lock_list(const ScanResult &scan);
void free_lock_list(fl_lock_list *list);

fl_clean_report *new_clean_report(const CleanReport &report);
void free_clean_report(fl_clean_report *report);

fl_file_result *new_file_result(FileResult &&r);
void free_file_result(fl_file_result *result);

fl_batch_results *new_batch_results(BatchResults &&res);
void free_batch_results(fl_batch_results *results);

} // namespace filelock::capi
