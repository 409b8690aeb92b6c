/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for signal names: kill's spellings and refusals. */
#include <signal.h>
#include <string.h>

#include "common/err.h"
#include "common/signals.h"
#include "tests/unit/tap.h"

static int parse(const char *text)
{
	struct ct_err err = {0};
	int sig = -1;

	if (ct_signal_parse(text, &sig, &err) < 0)
		return -1;
	return sig;
}

static void test_term_spellings(void)
{
	TAP_OK(parse("TERM") == SIGTERM, "TERM is SIGTERM");
	TAP_OK(parse("SIGTERM") == SIGTERM, "SIGTERM is SIGTERM");
	TAP_OK(parse("15") == SIGTERM, "15 is SIGTERM");
	TAP_OK(parse("term") == SIGTERM, "names are case-insensitive");
	TAP_OK(parse("sigkill") == SIGKILL, "sigkill is SIGKILL");
	TAP_OK(parse("9") == SIGKILL, "9 is SIGKILL");
	TAP_OK(parse("USR1") == SIGUSR1, "USR1 is SIGUSR1");
	TAP_OK(parse("WINCH") == SIGWINCH, "WINCH is SIGWINCH");
}

static void test_realtime(void)
{
	TAP_OK(parse("RTMIN") == SIGRTMIN, "RTMIN is SIGRTMIN");
	TAP_OK(parse("RTMIN+3") == SIGRTMIN + 3, "RTMIN+3");
	TAP_OK(parse("SIGRTMAX-1") == SIGRTMAX - 1, "SIGRTMAX-1");
	TAP_OK(parse("RTMIN+100") == -1, "RTMIN past RTMAX is refused");
	TAP_OK(parse("RTMIN+") == -1, "RTMIN+ without a number is refused");
}

static void test_refusals(void)
{
	struct ct_err err = {0};
	int sig = 0;
	int rc;

	TAP_OK(parse("") == -1, "empty is refused");
	TAP_OK(parse("0") == 0, "0 is taken (it only probes, as with kill(2))");
	TAP_OK(parse(" 9") == -1 && parse("+9") == -1 && parse("9 ") == -1,
	       "a number with a sign or spaces is refused");
	TAP_OK(parse("65") == -1, "a number past SIGRTMAX is refused");
	TAP_OK(parse("-9") == -1, "a negative number is refused");
	TAP_OK(parse("9x") == -1, "trailing garbage is refused");
	TAP_OK(parse("NOSUCH") == -1, "an unknown name is refused");
	TAP_OK(parse("SIG") == -1, "SIG alone is refused");

	rc = ct_signal_parse("BOGUS", &sig, &err);

	TAP_OK(rc < 0 && strcmp(err.msg, "unknown signal 'BOGUS'") == 0,
	       "the refusal names the signal: %s", err.msg);
}

static void test_names(void)
{
	TAP_STR_EQ(ct_signal_name(SIGTERM), "SIGTERM", "15 is named SIGTERM");
	TAP_STR_EQ(ct_signal_name(SIGKILL), "SIGKILL", "9 is named SIGKILL");
	TAP_OK(ct_signal_name(0) == NULL, "0 has no name");
	TAP_OK(ct_signal_name(SIGRTMIN + 1) == NULL, "a real-time signal has no fixed name");
}

int main(void)
{
	test_term_spellings();
	test_realtime();
	test_refusals();
	test_names();
	return tap_done();
}
