/*
 * password: which passwords urne accepts for an account.
 *
 * A password guessed in a handful of tries makes every other defence moot: the
 * throttling of failed logins (server.c) slows an attacker to a few guesses an
 * hour per account and address, which is plenty for "password" or "azertyuiop".
 * So an account is refused a password that is too short, only blank, the user's
 * own name, or one cracklib (Debian's libcrack2, the library behind pam_cracklib
 * and passwd's checks) finds in its dictionary or judges too systematic.
 */
#ifndef URNE_WEB_PASSWORD_H
#define URNE_WEB_PASSWORD_H

#include <stddef.h>

/* The length limits, in bytes. */
#define URNE_PASSWORD_MIN 8
#define URNE_PASSWORD_MAX 1024

/* NULL when password may be given to the account user_name; else the reason's
 * code (app.h's URNE_WHY_PASSWORD_*), for the adapters to word, with what it
 * names in detail (detail_size bytes): cracklib's verdict for
 * URNE_WHY_PASSWORD_WEAK ("it is based on a dictionary word", its own English:
 * the adapters translate the verdicts they know), the dictionary missing or
 * cracklib's error for URNE_WHY_PASSWORD_UNCHECKED, "" otherwise. Thread-safe.
 * When cracklib's dictionary cannot be read, every password is refused rather
 * than accepted unchecked. user_name may be NULL. */
const char *urne_password_fault(const char *password, const char *user_name, char *detail, size_t detail_size);

#endif
