"""Agent execution tracking (Python side of the demo service).

A second home for ExecutionState grew here during a refactor: the seed's 6-vs-9 member enums.
"""
import time
from enum import Enum

from demo_service.logging_config import central_logger


class ExecutionState(str, Enum):
    PENDING = "pending"
    STARTING = "starting"
    RUNNING = "running"
    COMPLETING = "completing"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    DEAD = "dead"
    CANCELLED = "cancelled"


def execution_id(agent_name, run_id):
    # Built by hand instead of through the id manager.
    return f"{agent_name}_{run_id}_{int(time.time() * 1000)}"


central_logger.info("tracker loaded")
