/*
 * password: see password.h.
 *
 * The order of the checks is the order of the messages people are most helped
 * by: the length first (cracklib would say "it is WAY too short", less useful
 * than the number), then what urne can say better itself (only blanks, the
 * user's own name), then cracklib. FascistCheckUser is given the account's name
 * so that "admin123" for the account admin is refused as based on the user name.
 *
 * cracklib keeps state in statics while it reads its dictionary, so calls are
 * serialised by one mutex; a check takes well under a millisecond, against the
 * tens of milliseconds of hashing the password with Argon2id that follows.
 */
#include "password.h"

#include "app.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <crack.h>

static pthread_mutex_t crack_lock = PTHREAD_MUTEX_INITIALIZER;

/* 1 when s reads the same as name, ignoring case; backwards too when reverse. */
static int same_as_name(const char *s, const char *name, int reverse) {
    size_t n = strlen(name);
    if (n == 0 || strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)name[reverse ? n - 1 - i : i];
        if (tolower(a) != tolower(b)) return 0;
    }
    return 1;
}

const char *urne_password_fault(const char *password, const char *user_name, char *detail, size_t detail_size) {
    size_t len = password ? strlen(password) : 0;
    detail[0] = 0;
    if (len < URNE_PASSWORD_MIN) return URNE_WHY_PASSWORD_SHORT;
    if (len > URNE_PASSWORD_MAX) return URNE_WHY_PASSWORD_LONG;
    size_t blanks = 0;
    for (size_t i = 0; i < len; i++) blanks += isspace((unsigned char)password[i]) != 0;
    if (blanks == len) return URNE_WHY_PASSWORD_BLANK;
    if (user_name && (same_as_name(password, user_name, 0) || same_as_name(password, user_name, 1)))
        return URNE_WHY_PASSWORD_NAME;
    const char *dict = GetDefaultCracklibDict();
    char pwd[512];
    snprintf(pwd, sizeof pwd, "%s.pwd", dict);
    if (access(pwd, R_OK) != 0) {
        snprintf(detail, detail_size, "cracklib's dictionary %s is missing (install Debian's cracklib-runtime)", pwd);
        return URNE_WHY_PASSWORD_UNCHECKED;
    }
    pthread_mutex_lock(&crack_lock);
    const char *verdict = FascistCheckUser(password, dict, user_name && *user_name ? user_name : NULL, NULL);
    char copy[200] = "";
    if (verdict) snprintf(copy, sizeof copy, "%s", verdict);
    pthread_mutex_unlock(&crack_lock);
    if (verdict == NULL) return NULL;
    if (strncasecmp(copy, "error", 5) == 0) {
        snprintf(detail, detail_size, "cracklib: %s", copy);
        return URNE_WHY_PASSWORD_UNCHECKED;
    }
    if (strstr(copy, "username")) return URNE_WHY_PASSWORD_NAME_BASED;
    snprintf(detail, detail_size, "%s", copy);
    return URNE_WHY_PASSWORD_WEAK;
}
