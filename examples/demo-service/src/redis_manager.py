"""The one home of Redis clients: everything else asks get_redis_manager()."""
import redis


class RedisManager:
    def __init__(self):
        self.client = redis.Redis(host="localhost", port=6379)


_manager = RedisManager()


def get_redis_manager():
    return _manager
