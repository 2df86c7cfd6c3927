"""A Celery task base that runs each message once at a time, even when the broker redelivers it.

With late acknowledgement (``acks_late``) Redis hands a message out again when it has not
been acknowledged within the visibility timeout: after a worker died (wanted: the work is
not lost) but also while a slow task is still running (unwanted: the same work twice, at
once). :class:`ExclusiveTask` tells the two apart with a **lease** per task id, held in
the broker's Redis while the task runs:

* a delivery takes the lease (``SET key NX EX 30``) and runs, renewing the lease every
  10 s from a heartbeat thread; on success it records the task id as **done** (kept a day)
  and releases the lease;
* a second delivery that finds the lease held (the first copy still runs) retries itself
  after a short wait (under the visibility timeout, so the waiting copy is not itself
  redelivered), without counting against the task's retry budget, and does not run;
* a delivery that finds the task id done skips the work (returns ``None``);
* a worker that dies stops renewing: its lease expires within :data:`LEASE_TTL` seconds,
  so the redelivery of its task (after the visibility timeout) runs.

The tasks remain idempotent (same inputs, same rows): the lease prevents running twice at
once and redoing finished work, not correctness. Eager tasks (embedded mode, tests) run
directly. Brokers other than Redis fall back to the Django cache (shared only if it is).
"""

from __future__ import annotations

import logging
import threading

from celery.contrib.django.task import DjangoTask

logger = logging.getLogger(__name__)

#: How long a finished task id is remembered (s): redeliveries come within minutes.
DONE_TTL = 24 * 3600
#: Seconds a lease lives without renewal; the holder renews it every third of that.
LEASE_TTL = 30
#: A duplicate waits this long (s) before looking at the lease again (at most half the
#: visibility timeout, so that its own wait is never mistaken for a dead worker's).
DUPLICATE_RETRY_SECONDS = 15


class ExclusiveTask(DjangoTask):
    """Base class for idempotent, late-acknowledged tasks that must not run twice at once.

    Use as ``@shared_task(base=ExclusiveTask, acks_late=True, ...)``. A ``DjangoTask``, so
    ``delay_on_commit`` enqueues after the current transaction commits.
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        task_id = getattr(self.request, "id", None)
        if self.request.is_eager or not task_id or self.request.called_directly:
            return super().__call__(*args, **kwargs)
        store = _LeaseStore(self.app)
        if store.is_done(task_id):
            logger.info("%s[%s]: already done by an earlier delivery; skipped", self.name, task_id)
            return None
        if not store.acquire(task_id, LEASE_TTL):
            wait = self._duplicate_wait()
            logger.warning("%s[%s]: another delivery is running it; retrying in %ss", self.name, task_id, wait)
            # Not counted: a duplicate waiting for its twin is not a failure of the work.
            self.request.retries = max(0, self.request.retries - 1)
            raise self.retry(countdown=wait, max_retries=None)
        stop = threading.Event()
        heartbeat = threading.Thread(target=_renew, args=(store, task_id, stop), daemon=True,
                                     name=f"lease-{task_id}")
        heartbeat.start()
        try:
            result = super().__call__(*args, **kwargs)
        except BaseException:
            stop.set()
            heartbeat.join(timeout=5)
            store.release(task_id)
            raise
        stop.set()
        heartbeat.join(timeout=5)
        store.mark_done(task_id)
        store.release(task_id)
        return result

    def _duplicate_wait(self) -> int:
        """Seconds a duplicate waits: :data:`DUPLICATE_RETRY_SECONDS`, at most half the visibility timeout."""
        options = self.app.conf.broker_transport_options or {}
        visibility = int(options.get("visibility_timeout") or 3600)
        return max(1, min(DUPLICATE_RETRY_SECONDS, visibility // 2))


def _renew(store: _LeaseStore, task_id: str, stop: threading.Event) -> None:
    """Keep the lease alive while the task runs (every third of its life)."""
    while not stop.wait(LEASE_TTL / 3):
        try:
            store.renew(task_id, LEASE_TTL)
        except Exception:  # a Redis hiccup: the next beat tries again; the lease outlives two misses
            logger.warning("lease of task %s not renewed", task_id, exc_info=True)


class _LeaseStore:
    """Lease and done markers in the broker's Redis (or the Django cache for other brokers)."""

    def __init__(self, app) -> None:
        self.app = app
        self._client = None

    @staticmethod
    def _keys(task_id: str) -> tuple[str, str]:
        return f"crm:task-lease:{task_id}", f"crm:task-done:{task_id}"

    def _redis(self):
        url = str(self.app.conf.broker_url or "")
        if not url.startswith(("redis://", "rediss://")):
            return None
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(url)
        return self._client

    def acquire(self, task_id: str, ttl: int) -> bool:
        lease, _done = self._keys(task_id)
        client = self._redis()
        if client is not None:
            return bool(client.set(lease, "1", nx=True, ex=ttl))
        from django.core.cache import cache

        return cache.add(lease, 1, timeout=ttl)

    def renew(self, task_id: str, ttl: int) -> None:
        lease, _done = self._keys(task_id)
        client = self._redis()
        if client is not None:
            client.expire(lease, ttl)
            return
        from django.core.cache import cache

        cache.touch(lease, ttl)

    def release(self, task_id: str) -> None:
        lease, _done = self._keys(task_id)
        client = self._redis()
        if client is not None:
            client.delete(lease)
            return
        from django.core.cache import cache

        cache.delete(lease)

    def mark_done(self, task_id: str) -> None:
        _lease, done = self._keys(task_id)
        client = self._redis()
        if client is not None:
            client.set(done, "1", ex=DONE_TTL)
            return
        from django.core.cache import cache

        cache.set(done, 1, timeout=DONE_TTL)

    def is_done(self, task_id: str) -> bool:
        _lease, done = self._keys(task_id)
        client = self._redis()
        if client is not None:
            return bool(client.exists(done))
        from django.core.cache import cache

        return cache.get(done) is not None
