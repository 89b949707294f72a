/* Compiled with -std=c99 -Wall -Wextra -pedantic -Werror and as C++17: the header must be clean. */
#include <hylo.h>
#include <hylo.h> /* include guard */

int main(void) {
    return HYLO_VERSION_NUMBER >= 0 && HYLO_OK == 0 ? 0 : 1;
}
