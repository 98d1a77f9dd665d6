"""The form model: the evaluator (shown, missing, validate), the form data
(against the seeds, and its load-time checks), and forms in the registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.forms_helpers import AUTHORITY_OF, REFERRALS, broken_referrals, load
from threshold.core.forms import loading
from threshold.core.forms.evaluate import kept_answers, missing, shown, validate
from threshold.core.forms.loading import (
    core_sections,
    follow_up_deadline,
    load_form,
    pack_sections,
    shared_sections,
)
from threshold.core.io.loading import load_authority
from threshold.core.model.errors import AuthorityError, DataError, FieldError, FormError
from threshold.core.model.forms import Form
from threshold.core.plugins.registry import Registry
from threshold.plugins import derby_city, derbyshire
from threshold.plugins.ddscp import FORM_SECTIONS
from threshold.testing import make_plugin as plugin

RFS = "derbyshire-request-for-support"


def form(registry: Registry, form_id: str) -> Form:
    return registry.form(AUTHORITY_OF[form_id], form_id)


def normalise(text: str) -> str:
    for fancy, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# ----------------------------------------------------------------------------- evaluator


def test_consent_reason_is_shown_and_required_only_without_consent(registry: Registry) -> None:
    rfs = form(registry, RFS)
    assert "consent-reason" not in shown(rfs, {"consent": "given"})
    assert "consent-given-by" in shown(rfs, {"consent": "given"})
    for status in ("refused", "not-sought", "unsafe-to-seek"):
        assert "consent-reason" in shown(rfs, {"consent": status})
        assert "consent-reason" in missing(rfs, {"consent": status})
    assert "consent-advice" in missing(rfs, {"consent": "refused"})
    assert "consent-advice" not in shown(rfs, {"consent": "not-sought"})


def test_eha_attachment_or_reason(registry: Registry) -> None:
    rfs = form(registry, RFS)
    completed = missing(rfs, {"eha-status": "completed"})
    assert "eha-attachment" in completed and "no-eha-judgement" not in completed
    for status in ("declined", "sudden-escalation"):
        gaps = missing(rfs, {"eha-status": status})
        assert "no-eha-judgement" in gaps and "eha-attachment" not in gaps
        assert "eha-attachment" not in shown(rfs, {"eha-status": status})


def test_missing_lists_required_questions_in_form_order(registry: Registry) -> None:
    rfs = form(registry, RFS)
    gaps = missing(rfs, {})
    assert gaps[:3] == ["immediate-danger", "significant-harm", "non-mobile-baby-bruising"]
    assert gaps.index("referrer-name") < gaps.index("child-name") < gaps.index("consent")
    # items hidden because their question is unanswered are not missing
    assert "consent-reason" not in gaps and "lead-name" not in gaps


def test_answers_to_hidden_items_are_reported_and_not_kept(registry: Registry) -> None:
    rfs = form(registry, RFS)
    answers = {"consent": "given", "consent-reason": "free text"}
    errors = validate(rfs, answers)
    assert [e.path for e in errors if "not shown" in e.message] == ["consent-reason"]
    assert kept_answers(rfs, answers) == {"consent": "given"}


def test_hidden_answers_do_not_reveal_what_depends_on_them(registry: Registry) -> None:
    """A condition judges only the answers of shown items."""
    cp = form(registry, "derby-city-online-referral")
    answers = {"phone-referral": False, "call-date": "2026-11-23"}
    assert "call-date" not in shown(cp, answers)
    assert "call" not in shown(cp, answers)


def test_errors_name_the_item_and_never_echo_the_answer(registry: Registry) -> None:
    rfs = form(registry, RFS)
    secret = "Jane Doe lives at 1 Secret Road"
    errors = validate(rfs, {"eha-status": secret, "level": secret, "immediate-danger": secret})
    for error in errors:
        assert secret not in str(error)
    by_item = {e.path: e.message for e in errors}
    assert by_item["eha-status"].startswith("got a string that is not one of the choices")
    assert by_item["immediate-danger"] == "got a string; expected true (yes) or false (no)"


@pytest.mark.parametrize("form_id", sorted(AUTHORITY_OF))
def test_valid_example_referral_passes(registry: Registry, form_id: str) -> None:
    answers = load(REFERRALS / form_id / "valid.json")
    assert validate(form(registry, form_id), answers) == []
    assert missing(form(registry, form_id), answers) == []


@pytest.mark.parametrize(
    ("form_id", "path", "item"),
    list(broken_referrals()),
    ids=[f"{f}/{p.stem}" for f, p, _ in broken_referrals()],
)
def test_broken_example_referral_fails_on_its_item(
    registry: Registry, form_id: str, path: Path, item: str
) -> None:
    errors = validate(form(registry, form_id), load(path))
    assert [e.path for e in errors] == [item], [str(e) for e in errors]


def test_there_are_enough_broken_examples() -> None:
    assert len(list(broken_referrals())) >= 25


# ----------------------------------------------------------------------------- data


def all_refs(registry: Registry) -> list[Any]:
    refs = []
    for authority_id in registry.authority_ids():
        for each in registry.forms(authority_id):
            refs += list(each.cite)
            for section in each.sections:
                refs += list(section.cite)
            for item in each.items():
                refs += list(item.cite)
    return refs


def test_every_form_citation_exists_in_its_seed(registry: Registry, seeds: Path) -> None:
    refs = all_refs(registry)
    assert len(refs) > 100
    for ref in refs:
        text = normalise((seeds / ref.seed).read_text("utf-8"))
        for part in ref.section.split(": "):
            assert normalise(part) in text, f"{part!r} of {ref.section!r} not in {ref.seed}"
        if ref.quote:
            for part in ref.quote.split("..."):
                assert normalise(part) in text, f"quote not in {ref.seed}: {part!r}"


def test_every_item_says_where_it_comes_from(registry: Registry) -> None:
    for authority_id in registry.authority_ids():
        for each in registry.forms(authority_id):
            for item in each.items():
                assert bool(item.cite) != (item.source == "common-practice"), item.id


def test_each_authority_has_the_forms_the_issue_asks_for(registry: Registry) -> None:
    shire = {f.id: f.routes for f in registry.forms("derbyshire")}
    city = {f.id: f.routes for f in registry.forms("derby_city")}
    assert shire == {
        "derbyshire-child-protection-follow-up": ("child-protection", "emergency"),
        "derbyshire-request-for-support": ("request-for-support", "early-help-first"),
    }
    assert city == {
        "derby-city-online-referral": ("online-referral", "child-protection", "emergency"),
        "derby-city-vcm-submission": ("vulnerable-childrens-meeting",),
    }


def test_shared_sections_come_first_from_the_pack(registry: Registry) -> None:
    """The DDSCP authorities' forms use the DDSCP pack's shared sections (which
    cite the DDSCP's documents), never the core's neutral ones."""
    pack = pack_sections(FORM_SECTIONS)
    shared = {"urgency", "referrer", "child", "concern", "information-sharing", "agencies"}
    assert shared | {"support-so-far", "childs-voice"} <= set(pack)
    for authority_id in ("derbyshire", "derby_city"):
        for each in registry.forms(authority_id):
            assert shared | {"support-so-far", "childs-voice"} <= {s.id for s in each.sections}
            assert each.sections[0].id == "urgency"
            urgency = each.sections[0]
            assert [i.id for i in urgency.items] == [i["id"] for i in pack["urgency"]["items"]]
            assert urgency.cite and {r.seed for r in urgency.cite} <= {
                d.seed for d in registry.get(authority_id).authority.documents
            }


def test_the_cores_shared_sections_cite_no_authoritys_documents() -> None:
    """The core's neutral sections are common practice only: no citation, and none
    of the words of one authority's document."""
    sections = core_sections()
    assert set(sections) == set(pack_sections(FORM_SECTIONS))  # a neutral one for each
    text = (REPO / "core" / "forms" / "common_sections.toml").read_text("utf-8")
    for word in ("Derby", "DDSCP", "Starting Point", "Early Help Assessment", "48 hours", "002_"):
        assert word not in text, word
    for section in sections.values():
        assert section["source"] == "common-practice" and "cite" not in section
        for item in section["items"]:
            assert item["source"] == "common-practice" and "cite" not in item, item["id"]


def test_a_citation_in_the_cores_sections_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    cited = (
        (REPO / "core" / "forms" / "common_sections.toml")
        .read_text("utf-8")
        .replace('id = "worries"', 'id = "worries"\ncite = [{ seed = "x.txt", section = "1" }]', 1)
        .replace(
            'required = true\nsource = "common-practice"\n\n[[sections.items]]\nid = "strengths"',
            'required = true\n\n[[sections.items]]\nid = "strengths"',
            1,
        )
    )
    core_sections.cache_clear()
    monkeypatch.setattr(loading, "_core_library_text", lambda: cited)
    try:
        with pytest.raises(DataError, match=r"sections\[3\]\.items\[1\]\.cite: the core's"):
            core_sections()
    finally:
        core_sections.cache_clear()


def test_a_packs_section_replaces_the_cores_of_the_same_id() -> None:
    neutral = shared_sections(None)
    ddscp = shared_sections(FORM_SECTIONS)
    assert set(neutral) == set(ddscp)
    assert neutral["urgency"] is core_sections()["urgency"]
    assert ddscp["urgency"] is pack_sections(FORM_SECTIONS)["urgency"]
    assert "non-mobile-baby-bruising" in {i["id"] for i in ddscp["urgency"]["items"]}
    assert "non-mobile-baby-bruising" not in {i["id"] for i in neutral["urgency"]["items"]}


def test_a_form_of_a_ddscp_authority_without_the_pack_sections_uses_the_cores() -> None:
    """Loaded without the pack's library, the same form file takes the core's
    neutral sections: no DDSCP citation comes from the core."""
    authority = derbyshire.data.authority()
    with_pack = load_form(RFS_FILE, authority, FORM_SECTIONS)
    neutral = load_form(RFS_FILE, authority)
    assert [s.id for s in neutral.sections] == [s.id for s in with_pack.sections]
    core_ids = set(core_sections())
    for section in neutral.sections:
        if section.id in core_ids:
            assert section.source == "common-practice" and not section.cite
            assert all(not item.cite for item in section.items)


def test_level_choices_are_the_authoritys_levels(registry: Registry) -> None:
    for authority_id in ("derbyshire", "derby_city"):
        levels = registry.get(authority_id).authority.levels
        for each in registry.forms(authority_id):
            level = each.item("level")
            assert [(c.value, c.label) for c in level.choices] == [
                (str(n.number), f"Level {n.number} \u2013 {n.name}") for n in levels
            ]
            assert level.prefill == "level"


def test_the_follow_up_deadline_is_the_routes(registry: Registry) -> None:
    """The written follow-up's deadline in a form is the one the authority's
    child-protection route gives, never a number written in the core."""
    for authority_id in ("derbyshire", "derby_city"):
        authority = registry.get(authority_id).authority
        assert follow_up_deadline(authority) == "Follow the call up in writing within 48 hours."
        urgency = registry.forms(authority_id)[0].sections[0]
        assert urgency.intro is not None and urgency.intro.endswith(follow_up_deadline(authority))


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ({"within_hours": 12, "how": "follow-up-in-writing"}, "within 12 hours."),
        ({"within_hours": None, "how": "follow-up-in-writing"}, "do not say how soon."),
        (False, "The sources do not say that the call is followed up in writing."),
    ],
)
def test_the_follow_up_deadline_says_what_the_route_says(
    tmp_path: Path, follow_up: object, expected: str
) -> None:
    """A route's ``follow_up``: hours stated, hours not stated (null), or none."""
    import json
    import tomllib

    from threshold.plugins import ddscp

    rules = tomllib.loads(ddscp.PACK[2].read_text("utf-8"))
    (part,) = [p for p in rules["fragments"]["urgent"] if "follow_up" in p]
    part["follow_up"] = follow_up
    changed = tmp_path / "rules.json"
    changed.write_text(json.dumps(rules), "utf-8")
    files = [*ddscp.PACK[:2], changed, *derbyshire.data.files[len(ddscp.PACK) :]]
    assert follow_up_deadline(load_authority(files)).endswith(expected)


def write_form(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text("utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


RFS_FILE = derbyshire.data.forms_folder / "request-for-support.toml"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'use = "referrer"',
            'use = "refferer"',
            r"sections\[1\]\.use: unknown shared section 'refferer'; expected one of:",
        ),
        (
            'value = "completed" }] }',
            'value = "complete" }] }',
            r"shown_when\.all\[0\]\.value: 'complete' is not a choice of 'eha-status'",
        ),
        (
            'item = "eha-status", op = "equals"',
            'item = "no-eha-judgement", op = "equals"',
            r"'no-eha-judgement' is not a question earlier in the form",
        ),
        (
            'seed = "002_1e42af3873256e9b.txt", section = "5. Next steps',
            'seed = "003_nowhere.txt", section = "5. Next steps',
            r"unknown seed '003_nowhere\.txt'",
        ),
        ('prefill = "early_help_assessment"', 'prefill = "unborn"', r"fills a yes-no item"),
        ("ring {child_protection_line} immediately", "ring {cp_line} now", r"unknown placeholder"),
        ('type = "attachment"', 'type = "picture"', r"type: 'picture' is not one of"),
        ('authority = "derbyshire"', 'authority = "derby_city"', r"expected 'derbyshire'"),
        (
            'routes = ["request-for-support"',
            'routes = ["request-for-suport"',
            r"routes\[0\]: derbyshire has no route 'request-for-suport'; expected one of: advice,",
        ),
        (
            'answer = "sudden-escalation"',
            'answer = "sudden"',
            r"prefill_otherwise\[0\]\.answer: 'sudden' is not a choice of 'eha-status'",
        ),
        (
            "when = { sudden_escalation = true }",
            "when = { sudden = true }",
            r"prefill_otherwise\[0\]\.when\.sudden: unknown case fact 'sudden'",
        ),
        (
            "when = { sudden_escalation = true }",
            'when = { sudden_escalation = "yes" }',
            r"when\.sudden_escalation: case fact 'sudden_escalation' is true or false",
        ),
    ],
)
def test_form_data_errors_name_file_field_and_expectation(
    registry: Registry, tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = write_form(tmp_path, RFS_FILE, old, new)
    with pytest.raises(DataError, match=message) as info:
        load_form(path, derbyshire.data.authority())
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '\nchoices_from = "levels"',
            '\nchoices_from = "grades"',
            r"sections\[3\]\.items\[0\]\.choices_from: got a string; expected \"levels\"",
        ),
        (
            '\nchoices_from = "levels"',
            '\nchoices_from = "levels"\nchoices = [{ value = "a", label = "A" }, '
            '{ value = "b", label = "B" }]',
            r"sections\[3\]\.items\[0\]: got an object; expected either choices or choices_from",
        ),
        ('id = "child"', 'id = "referrer"', r"sections\[2\]\.id: duplicate id 'referrer'"),
    ],
)
def test_a_packs_sections_file_errors_name_file_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    library = write_form(tmp_path, FORM_SECTIONS, old, new)
    with pytest.raises(DataError, match=message) as info:
        load_form(RFS_FILE, derbyshire.data.authority(), library)
    assert str(library) in str(info.value)


def test_a_condition_fhir_cannot_express_is_refused(tmp_path: Path) -> None:
    path = write_form(
        tmp_path,
        RFS_FILE,
        'shown_when = { any = [{ item = "eha-status", op = "in", value = ["declined", '
        '"sudden-escalation"] }] }',
        'shown_when = { all = [{ item = "eha-status", op = "in", value = ["declined", '
        '"sudden-escalation"] }, { item = "immediate-danger", op = "answered" }] }',
    )
    with pytest.raises(DataError, match=r"'in' with one value only \(FHIR enableWhen\)"):
        load_form(path, derbyshire.data.authority())


# ----------------------------------------------------------------------------- registry


def test_a_plugin_may_not_register_forms_for_another_authority() -> None:
    def threshold_register_forms(register: Callable[[Form], None]) -> None:
        register(derbyshire.data.forms()[0])

    registry = Registry.load(
        [("thief", plugin("thief", threshold_register_forms=threshold_register_forms))]
    )
    problems = dict(registry.problems())
    assert (
        "is for authority 'derbyshire', which this plugin does not supply"
        in problems["thief (forms)"]
    )
    assert [f.id for f in registry.forms("derbyshire")] == [f.id for f in derbyshire.data.forms()]


def test_broken_forms_never_stop_routing(monkeypatch: pytest.MonkeyPatch) -> None:
    from threshold.core.engine.api import route

    calls = []

    def broken() -> tuple[Form, ...]:
        calls.append(1)
        raise DataError("forms/x.toml", [FieldError("id", "bad")])

    monkeypatch.setattr(derby_city.data, "forms", broken)
    registry = Registry.load()
    guidance = route({"significant_harm": True}, "derby_city", registry=registry)
    assert guidance.route == "child-protection"
    assert calls == []  # routing never loads forms
    assert ("derby_city (forms)", "DataError: forms/x.toml: id: bad") in registry.problems()
    with pytest.raises(AuthorityError, match="the forms of plugin 'derby_city' are broken"):
        registry.forms("derby_city")
    assert registry.forms("derbyshire")
    assert route({"level": 3}, "derby_city", registry=registry).route == "online-referral"
    assert calls == [1]


def test_unknown_form_lists_the_forms(registry: Registry) -> None:
    with pytest.raises(FormError, match="expected one of: derby-city-online-referral, "):
        registry.form("derby_city", "derbyshire-request-for-support")
    assert registry.form_for_route("derby_city", "advice") is None
    assert registry.form_for_route("derbyshire", "emergency") is not None
