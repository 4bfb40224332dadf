"""Batches submitted ahead and finished in order: the workers never wait for the loop, and
the records do not depend on which batch came back first."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from pipeline.run import Stages, run_pipeline
from pipeline.run_batches import ahead
from tests.test_workers import settings_for, write_inbox


def test_ahead_keeps_its_count_of_items_made_and_yields_them_in_order():
    made = []

    def items():
        for n in range(6):
            made.append(n)
            yield n

    seen = []
    for item in ahead(items(), 3):
        seen.append((item, len(made)))
        assert len(made) - item <= 3  # never more than three made and not yet taken
    assert [item for item, _ in seen] == list(range(6))
    assert [count for _, count in seen] == [3, 4, 5, 6, 6, 6]
    assert [item for item in ahead(iter(range(4)), 1)] == list(range(4))  # pass-through


class Reversed:
    """A task runner whose later batches finish first: each stage runs on a thread, the
    batch numbered n waiting less than the one before it."""

    def __init__(self):
        self.threads = ThreadPoolExecutor(8)
        self.events = []
        self.lock = threading.Lock()

    def submit(self, stage, number, batch, *shared):
        with self.lock:
            self.events.append(("submit", stage.__name__, number))

        def run():
            time.sleep(0.05 * (8 - number) if number < 8 else 0)
            return stage(batch, *shared)
        return self.threads.submit(run)


def test_batches_finishing_out_of_order_publish_what_a_serial_run_does(tmp_path):
    raw = tmp_path / "raw"
    write_inbox(raw, 9)  # five batches of two
    (raw / "09.txt").write_bytes((raw / "03.txt").read_bytes())  # a repeat, named later
    serial = run_pipeline(settings_for(tmp_path, raw, "serial", 1))
    runner = Reversed()
    spooled = []

    def progress(stage, count):
        if stage == "extract":
            with runner.lock:
                runner.events.append(("extracted", len(spooled)))
            spooled.append(count)

    stages = Stages(submit=runner.submit, window=4, shares=2)
    ahead_run = run_pipeline(settings_for(tmp_path, raw, "ahead", 1), stages, progress)
    runner.threads.shutdown()
    assert serial.to_dict() == ahead_run.to_dict()
    for name in ("initiatives.jsonl", "documents.jsonl", "review.csv", "quality.json",
                 "public/initiatives.jsonl"):
        assert (tmp_path / "ahead" / name).read_bytes() == (tmp_path / "serial" / name).read_bytes()
    # the first batch was finished only once the next three were on their way to extraction
    first_done = runner.events.index(("extracted", 0))
    submitted = [event[2] for event in runner.events[:first_done]
                 if event[:2] == ("submit", "extract_batch")]
    assert submitted == [0, 1, 2, 3]
