"""The Celery transport for a Redis broker: kombu's own, with one Redis client per channel.

kombu's Redis channel builds a new ``redis.Redis`` for every command it sends outside its event
loop: each task enqueued, and in a worker each message received (the unacked index) and each
message acknowledged (our fetch tasks acknowledge late). redis-py copies its table of ~170
response callbacks into every new client; in a fetch worker that copy alone took about 4% of the
process's CPU, on the thread that hands messages to the pool. A ``redis.Redis`` holds no
connection of its own (each command borrows one from the channel's pool and returns it) and is
safe to share, so the channel keeps one, and makes a new one only when kombu has replaced the
pool (after a connection error).

settings.py selects this transport for ``redis://`` broker URLs; anything else (``rediss://``,
the embedded filesystem broker) uses kombu's transport unchanged.
"""

from __future__ import annotations

import contextlib

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    _shared_client = None

    @contextlib.contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        shared = self._shared_client
        if shared is None or shared.connection_pool is not self.pool:
            shared = self._shared_client = self._create_client()
        yield shared


class Transport(kombu_redis.Transport):
    Channel = Channel
