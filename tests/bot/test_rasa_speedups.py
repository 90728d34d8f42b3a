"""The Rasa server's own cost cuts (bot/tracker_store.py, bot/action_results.py,
bot/graph_runner.py, bot/kept_connections.py, bot/event_types.py, bot/diet_inference.py,
bot/fast_json.py, bot/debug_copies.py, hiredis) and the action server's (actions/hub.py),
checked inside the Rasa environment against the real Redis and the real model: a long
conversation's tracker is kept bounded with its slots and latest message, action server replies
get Rasa's verdicts, faster, calls to the action server and from it to the hub share one
kept-alive connection, the tracker and those calls are JSON that reads as Rasa's encoder writes
it, deep copies for debug lines are made only while debug lines are written, Redis replies are
parsed in C, events find their class by name as Rasa finds it, the graph run in a planned order
understands and predicts exactly as Rasa's dask runner does, and DIET's intents from NumPy rank
every NLU example and dev message as its TensorFlow does."""

import json
import subprocess
from collections import Counter

import pytest

from benchmarks.widget_latency import MESSAGES as BENCHMARK_MESSAGES
from handoff.settings import PROJECT_ROOT

RASA_PYTHON = str(PROJECT_ROOT / ".venv-rasa" / "bin" / "python")


# Messages the NLU and the policies are run on, each with its language.
MESSAGES = [
    *BENCHMARK_MESSAGES,
    ("I want to talk to a person", "en"),
    ("someone used my account without me, fraud", "en"),
    ("I sent 500 USD to the Philippines for cash pickup", "en"),
    ("my transfer HB-2026-000123 has not arrived", "en"),
    ("50만원을 필리핀으로 보냈어요", "ko"),
    ("what is the weather like tomorrow", "en"),
    ("thanks, bye", "en"),
    ("/greet", "en"),
    ("asdfgh qwerty", "en"),
]


def rasa_side(module: str, *args: str) -> dict:
    """What a check module of tests/bot printed, run in the Rasa environment."""
    result = subprocess.run(
        [RASA_PYTHON, "-m", module, *args],
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def seen(redis_server: str) -> dict:
    return rasa_side("tests.bot.rasa_side_checks", f"{redis_server}/0")


def test_a_long_conversation_keeps_its_latest_events_only(seen: dict) -> None:
    assert seen["events_given"] > 500
    assert seen["events_kept"] <= 30 + 5  # a new session (two events), two slots, a listen
    assert seen["bytes_bounded"] * 5 < seen["bytes_whole"]


def test_the_bounded_tracker_keeps_the_slots_and_the_latest_message(seen: dict) -> None:
    assert seen["slots_kept"]["language"] == "ko"  # set at the start, long cut off
    assert seen["slots_kept"] == seen["slots_given"]
    assert seen["latest_message"] == "message 99"
    assert seen["first_kept_events"] == ["action", "session_started", "slot"]
    assert seen["sessions_kept"] == 1


def test_a_form_started_before_the_kept_events_stays_active(seen: dict) -> None:
    assert seen["events_kept_in_a_form"] <= 30 + 6  # the loop too
    assert seen["loop_kept"] == "transfer_reference_form"


def test_action_replies_get_rasas_own_verdicts(seen: dict) -> None:
    assert seen["rejections_by_rasa"][0] is None
    assert "Failed to validate Action server response" in seen["rejections_by_rasa"][1]
    assert seen["rejections_installed"] == seen["rejections_by_rasa"]
    assert seen["check_installed"] == "bot.action_results"


def test_checking_each_event_as_its_kind_gives_the_whole_schema_s_verdicts(seen: dict) -> None:
    by_the_schema, by_kind = seen["verdicts"]["by_the_schema"], seen["verdicts"]["by_kind"]
    assert by_kind == by_the_schema
    assert by_the_schema.count(True) > 300 and by_the_schema.count(False) > 300


def test_a_failed_action_is_noted_and_a_rejected_one_is_not(seen: dict) -> None:
    down, failing, rejecting = seen["failures_noted"]
    assert down == failing == ["action_respond"]
    assert rejecting == []


def test_only_the_form_s_validation_is_sent_rasa_s_domain(seen: dict) -> None:
    calls = seen["action_calls"]  # with bot/endpoints.yml's enable_selective_domain
    assert calls["validate_transfer_reference_form"]["domain"]  # rasa_sdk's form reads it
    assert not calls["action_respond"]["domain"]
    assert not calls["action_transfer_status"]["domain"]
    # The domain is 24 KB of JSON: more than the bounded tracker of a long conversation.
    assert calls["validate_transfer_reference_form"]["bytes"] > 2 * calls["action_respond"]["bytes"]


def test_action_server_calls_share_a_kept_alive_connection(seen: dict) -> None:
    by_rasa, kept = seen["connections_by_rasa"], seen["connections_kept"]
    assert by_rasa["connections"] == 3  # Rasa's own client: a new connection every call
    assert kept["connections"] == 1
    assert kept["answers"] == by_rasa["answers"]
    assert [a["responses"] for a in kept["answers"]] == [[{"call": n}] for n in range(3)]


def test_the_tracker_and_the_action_server_s_calls_are_json_as_rasa_writes_it(seen: dict) -> None:
    assert seen["stored_as_rasa_writes_it"]
    assert all(call["read_alike"] for call in seen["action_calls"].values())
    assert seen["action_calls_written_by"] == "bot.fast_json.dumps"


def test_the_started_server_keeps_what_it_loaded_out_of_full_collections(seen: dict) -> None:
    before, after = seen["frozen"]
    assert before == 0 and after > 100_000  # the model, TensorFlow and Rasa among them
    assert ["freeze_the_model", "after_server_start"] in seen["listeners"]


def test_rasa_s_deep_copies_for_debug_lines_are_made_only_while_they_are_written(
    seen: dict,
) -> None:
    for module, copies in seen["deep_copies"].items():
        assert copies["copies"] > 0, module
        assert copies["in_debug_lines"] == copies["copies"], module  # none of another kind
    made = seen["debug_copies_made"]
    assert made["info"] == {"same_object": True, "equal": True}
    assert made["debug"] == {"same_object": False, "equal": True}


def test_rasa_s_stores_parse_redis_replies_in_c(seen: dict) -> None:
    assert seen["redis_reply_parser"] == "HiredisParser"


def test_the_action_server_s_calls_to_the_hub_share_a_kept_alive_connection(seen: dict) -> None:
    to_the_hub = seen["connections_to_the_hub"]
    assert to_the_hub["connections"] == 1
    assert [a["responses"] for a in to_the_hub["answers"]] == [[{"call": n}] for n in range(3)]


def test_events_find_their_class_by_name_as_rasa_finds_it(seen: dict) -> None:
    resolved = seen["events_resolved_installed"]
    assert resolved == seen["events_resolved_by_rasa"]
    assert ["user", "UserUttered"] in resolved and ["slot", "SlotSet"] in resolved
    assert ["no_such_event", "SlotSet"] in resolved  # the default, for a name Rasa lacks
    assert any(name == "no_such_event" and found.startswith("error") for name, found in resolved)
    assert seen["resolver_installed"] == "bot.event_types"
    assert seen["read_alike"]  # the bounded tracker read again, with the classes found once


@pytest.fixture(scope="module")
def loaded_model_seen() -> dict:
    model, nlu_data = str(PROJECT_ROOT / "models"), str(PROJECT_ROOT / "nlu_data")
    diet_messages = str(PROJECT_ROOT / "benchmarks" / "data" / "e2e-dev.csv")
    runner_messages = json.dumps(MESSAGES)
    return rasa_side(
        "tests.bot.loaded_model_checks", model, runner_messages, nlu_data, diet_messages
    )


@pytest.fixture(scope="module")
def understood(loaded_model_seen: dict) -> dict:
    return loaded_model_seen["graph_runner"]


def test_the_rasa_server_runs_its_model_with_the_planned_runner(understood: dict) -> None:
    assert understood["runner"] == "bot.graph_runner"


def test_the_planned_runner_understands_and_predicts_as_rasas_own(understood: dict) -> None:
    by_rasa = understood["by_rasa"]
    assert len(by_rasa) == len(MESSAGES)
    assert {turn["parse"]["intent"]["name"] for turn in by_rasa} >= {"greet", "request_human"}
    assert any(turn["parse"]["entities"] for turn in by_rasa)
    assert {turn["predictions"][1]["action"] for turn in by_rasa} == {"action_listen"}
    assert understood["by_planned"] == by_rasa
    assert understood["by_planned_again"] == by_rasa


def test_the_planned_runner_schedules_each_kind_of_run_once(understood: dict) -> None:
    assert understood["plans"] == 2  # the NLU's parse and the policies' prediction


@pytest.fixture(scope="module")
def intents(loaded_model_seen: dict) -> dict:
    return loaded_model_seen["diet"]


def test_diet_s_intents_come_from_numpy_not_tensorflow(intents: dict) -> None:
    assert intents["numpy_intents"] == "bot.diet_inference"
    assert intents["tensorflow_calls"] == {"by_numpy": 0, "by_rasa": len(intents["messages"])}


def test_every_message_in_both_languages_is_checked(intents: dict) -> None:
    counts = Counter((language, source) for _, language, source in intents["messages"])
    assert counts[("en", "nlu")] > 500 and counts[("ko", "nlu")] > 500
    assert counts[("en", "e2e-dev")] > 100 and counts[("ko", "e2e-dev")] > 100


def test_diet_s_intents_from_numpy_rank_as_tensorflow_s(intents: dict) -> None:
    by_numpy, by_rasa = intents["by_numpy"], intents["by_rasa"]
    assert len(by_numpy) == len(by_rasa) == len(intents["messages"])
    assert [seen["intent"] for seen in by_numpy] == [seen["intent"] for seen in by_rasa]
    assert "nlu_fallback" in {seen["intent"] for seen in by_rasa}  # the fallback is compared too
    names = [[label["name"] for label in seen["ranking"]] for seen in by_numpy]
    assert names == [[label["name"] for label in seen["ranking"]] for seen in by_rasa]
    differences = [
        abs(mine["confidence"] - rasas["confidence"])
        for numpy_seen, rasa_seen in zip(by_numpy, by_rasa, strict=True)
        for mine, rasas in zip(numpy_seen["ranking"], rasa_seen["ranking"], strict=True)
    ]
    assert max(differences) < 1e-5


def test_a_diet_configured_otherwise_keeps_tensorflow(intents: dict) -> None:
    assert "use_key_relative_attention" in intents["unknown_configuration"]
