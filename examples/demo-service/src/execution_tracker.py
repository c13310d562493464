"""The older execution tracker, still imported by the timeout manager."""
from enum import Enum

import redis


class ExecutionState(Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


class WebSocketManager:
    """Keeps one websocket per user. redis.Redis( in this docstring is not a violation."""

    def __init__(self):
        self.cache = redis.Redis(host="localhost", port=6379)
