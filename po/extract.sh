#!/bin/sh
# Extract every message a user can read from urne's sources into a template
# (po/urne.pot by default): what _(), C_(), N_() mark in the adapters, and the
# formats the engines hand to urne_diags_add, urne_phrase_set and their likes,
# which become phrases that adapters word (src/core/urne_phrase.h).
# Usage: po/extract.sh [SOURCE_DIR [OUTPUT]]
set -eu
src=${1:-$(dirname "$0")/..}
out=${2:-$src/po/urne.pot}
cd "$src"
# shellcheck disable=SC2046
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file --package-name=urne -o "$out" \
  -k -k_:1,1t -k_:2,2t -kC_:2c,3 -kN_ -kNC_:1c,2 \
  -kurne_i18n_text:2 -kurne_i18n_ctext:2c,3 -kurne_i18n_plural:2,3 \
  -kurne_diags_add:6 --flag=urne_diags_add:6:c-format \
  -kurne_phrase_set:2 --flag=urne_phrase_set:2:c-format \
  -ksay:2 --flag=say:2:c-format \
  -kurne_result_set:3 --flag=urne_result_set:3:c-format \
  -kurne_reply_json_error:3 --flag=urne_reply_json_error:3:c-format \
  -kurne_cli_error:1 --flag=urne_cli_error:1:c-format \
  -kurne_store_fail:2 --flag=urne_store_fail:2:c-format \
  -kurne_app_store_fail:2 --flag=urne_app_store_fail:2:c-format \
  $(find src -name '*.c' | LC_ALL=C sort)
