"""schemathesis hooks for test/integration/fuzz/schemathesis.test.ts: destructive operations aimed at
throwaway topics.

The test creates the topics and names them in the environment:
  FUZZ_PRODUCE_TOPICS  produced to and read (never grown, reconfigured or deleted: every acknowledged
                       record is read back after the run)
  FUZZ_ADMIN_TOPICS    grown and reconfigured
  FUZZ_DOOMED_TOPICS   deleted, one per DELETE, in order

A valid generated topic name is replaced by one of these (chosen from the name itself, so a seed gives
the same run); an invalid one is left alone, so that its rejection is still tested. Consumer groups need
no such care: the fuzz creates its own through committed offsets, and the service's groups are busy
(their offsets cannot be reset, nor the groups deleted).
"""
import os
import re
import zlib

import schemathesis

PRODUCE = os.environ["FUZZ_PRODUCE_TOPICS"].split(",")
ADMIN = os.environ["FUZZ_ADMIN_TOPICS"].split(",")
DOOMED = iter(os.environ["FUZZ_DOOMED_TOPICS"].split(","))
# Kafka's topic name rule, as the API checks it.
VALID_TOPIC = re.compile(r"[a-zA-Z0-9._-]{1,249}")


def pick(choices, name):
    return choices[zlib.crc32(name.encode("utf-8", "surrogatepass")) % len(choices)]


@schemathesis.hook
def map_case(context, case):
    topic = (case.path_parameters or {}).get("topic")
    if not isinstance(topic, str) or not VALID_TOPIC.fullmatch(topic) or topic in (".", ".."):
        return case
    path, method = case.operation.path, case.method.upper()
    if method == "DELETE":
        # Once the pool is used up, a name that never existed: 404.
        case.path_parameters["topic"] = next(DOOMED, "fuzz.deleted-already")
    elif path == "/v1/topics/{topic}/records":
        case.path_parameters["topic"] = pick(PRODUCE, topic)
    elif method in ("POST", "PATCH"):
        case.path_parameters["topic"] = pick(ADMIN, topic)
    else:
        case.path_parameters["topic"] = pick(PRODUCE + ADMIN, topic)
    return case
