/* Signal flag for a clean stop. */
#include "interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t caught;

static void
on_signal (int sig)
{
  caught = sig;
}

void
interrupt_install (void)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  /* A vanished log reader must not kill the run half-way. */
  signal (SIGPIPE, SIG_IGN);
}

bool
interrupted (void)
{
  return caught != 0;
}

int
interrupt_signal (void)
{
  return caught;
}
