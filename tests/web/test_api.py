"""The versioned JSON API (copydesk.web.api): the served OpenAPI document is a valid OpenAPI document, every real
response validates against the schema it declares, the objects are the export's, and bad parameters are a 4xx
JSON error, never a 500. Served over a real store (SQLite; PostgreSQL when COPYDESK_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

import sample_edition
import served
from copydesk.web import render
from copydesk.web.api import MAX_PER_PAGE
from copydesk.web.app import create_app

EDITION = sample_edition.build_edition(None)


@pytest.fixture(params=served.DATABASES)
def client(request, tmp_path):
    with served.store(request.param, tmp_path) as store:
        served.publish_edition(store, EDITION)
        yield TestClient(create_app(lambda: EDITION, store.search))


@pytest.fixture
def spec(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    return r.json()


def check(spec: dict, template: str, response) -> dict:
    """Validate ``response`` against the schema the OpenAPI document declares for ``template`` and its status."""
    declared = spec["paths"][template]["get"]["responses"]
    assert str(response.status_code) in declared, (template, response.status_code, response.text[:200])
    schema = declared[str(response.status_code)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    data = response.json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, (template, errors[:5])
    return data


def test_the_openapi_document_is_valid_and_complete(spec):
    validate_spec(spec)  # raises on anything that is not a valid OpenAPI document
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/api/v1/stories",
        "/api/v1/stories/{slug}",
        "/api/v1/sources",
        "/api/v1/sections",
        "/api/v1/search",
        "/api/v1/stories/{slug}/revisions",
        "/api/v1/stories/{slug}/revisions/{n}",
    }
    story = spec["components"]["schemas"]["Story"]
    assert story["additionalProperties"] is False and "headline" in story["required"]
    # the models' field names are the export's: every key of a story object is a property of Story
    assert set(story["properties"]) == set(render.story_json(EDITION.stories[0], EDITION))
    # the check below can fail: a key the schema does not know, or a wrong type, is an error
    validator = Draft202012Validator({"$ref": "#/components/schemas/Story", "components": spec["components"]})
    good = json.loads(render.dumps_json(render.story_json(EDITION.stories[0], EDITION)))
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors({**good, "extra": 1})) and list(validator.iter_errors({**good, "slug": 1}))


REQUESTS = [
    ("/api/v1/stories", "/api/v1/stories"),
    ("/api/v1/stories?per_page=1&page=2", "/api/v1/stories"),
    ("/api/v1/stories?section=budapest", "/api/v1/stories"),
    ("/api/v1/stories?since=2024-05-01T12:30:00Z", "/api/v1/stories"),
    ("/api/v1/stories/chain-bridge-closes", "/api/v1/stories/{slug}"),
    ("/api/v1/stories/hostile-story", "/api/v1/stories/{slug}"),
    ("/api/v1/stories/nope", "/api/v1/stories/{slug}"),
    ("/api/v1/sources", "/api/v1/sources"),
    ("/api/v1/sections", "/api/v1/sections"),
    ("/api/v1/search?q=bridge", "/api/v1/search"),
    ("/api/v1/search?q=vienna&per_page=1", "/api/v1/search"),
    ("/api/v1/search?q=%22%3E%3Cscript%3E", "/api/v1/search"),
    ("/api/v1/search", "/api/v1/search"),
    ("/api/v1/stories?page=0", "/api/v1/stories"),
    ("/api/v1/search?q=x&per_page=100000", "/api/v1/search"),
]


@pytest.mark.parametrize("url, template", REQUESTS, ids=[u for u, _ in REQUESTS])
def test_real_responses_validate_against_the_declared_schema(client, spec, url, template):
    check(spec, template, client.get(url))


def test_stories_are_the_exports_objects_and_page_filter_and_since(client, spec):
    visible = render.visible_stories(EDITION)
    exported = [json.loads(render.dumps_json(render.story_json(es, EDITION))) for es in visible]
    one = check(spec, "/api/v1/stories/{slug}", client.get("/api/v1/stories/chain-bridge-closes"))
    assert one == exported[0] == client.get("/api/story/chain-bridge-closes.json").json()
    assert one["headline"]["support"] and all("sentence" in s for s in one["headline"]["support"])
    paged = []
    for page in (1, 2, 3):
        data = check(spec, "/api/v1/stories", client.get(f"/api/v1/stories?per_page=1&page={page}"))
        assert data["total"] == len(visible) and data["pages"] == len(visible)
        paged += data["stories"]
    assert paged == exported  # every story once, in the edition's order
    assert check(spec, "/api/v1/stories", client.get("/api/v1/stories?page=9"))["stories"] == []
    budapest = client.get("/api/v1/stories?section=budapest").json()
    assert [s["slug"] for s in budapest["stories"]] == [
        es.story.slug for es in visible if es.story.section == "budapest"
    ]
    assert client.get("/api/v1/stories?section=nowhere").json()["total"] == 0
    cut = visible[0].story.updated - timedelta(minutes=1)
    recent = client.get("/api/v1/stories", params={"since": cut.isoformat()}).json()
    assert [s["slug"] for s in recent["stories"]] == [es.story.slug for es in visible if es.story.updated >= cut]
    naive = client.get("/api/v1/stories", params={"since": cut.replace(tzinfo=None).isoformat()}).json()
    assert naive == recent  # no offset: UTC
    assert client.get("/api/v1/stories?since=2100-01-01T00:00:00Z").json()["total"] == 0


def test_sources_and_sections_are_the_exports(client):
    exported = render.edition_json(EDITION)
    sources = client.get("/api/v1/sources").json()["sources"]
    assert {s.pop("id"): s for s in sources} == json.loads(json.dumps(exported["outlets"]))
    assert client.get("/api/v1/sections").json()["sections"] == exported["sections"]


def test_search_results(client, spec):
    data = check(spec, "/api/v1/search", client.get("/api/v1/search", params={"q": "bridge"}))
    assert data["results"][0]["slug"] == "chain-bridge-closes" and data["terms"] == ["bridge"]
    first = data["results"][0]
    assert first["url"] == render.story_json(EDITION.stories[0], EDITION)["url"]
    assert "<mark>" in first["headline_html"] and "<mark>" not in first["headline"]
    assert first["published"] == render.story_json(EDITION.stories[0], EDITION)["published"]
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    hostile = client.get("/api/v1/search", params={"q": "script alert"}).json()
    for r in hostile["results"]:
        assert "<script" not in r["snippet_html"] + r["headline_html"]
    long = client.get("/api/v1/search", params={"q": "bridge " * 300}).json()
    assert long["warnings"] and long["terms"] == ["bridge"]


def test_search_without_a_store_is_503_json():
    r = TestClient(create_app(lambda: EDITION)).get("/api/v1/search?q=bridge")
    assert r.status_code == 503 and "error" in r.json()


BAD = [
    ("/api/v1/stories?page=-1", "page"),
    ("/api/v1/stories?page=0", "page"),
    ("/api/v1/stories?page=abc", "page"),
    ("/api/v1/stories?page=1.5", "page"),
    ("/api/v1/stories?page=100000000000000000000000000000", "page"),
    ("/api/v1/stories?per_page=0", "per_page"),
    (f"/api/v1/stories?per_page={MAX_PER_PAGE + 1}", "per_page"),
    ("/api/v1/stories?per_page=99999999999", "per_page"),
    ("/api/v1/stories?since=garbage", "since"),
    ("/api/v1/stories?since=2024-13-45T99:00", "since"),
    ("/api/v1/stories?since=%00", "since"),
    ("/api/v1/stories?section=" + "x" * 300, "section"),
    ("/api/v1/search?q=bridge&page=-1", "page"),
    ("/api/v1/search?q=bridge&per_page=1000000", "per_page"),
]


@pytest.mark.parametrize("url, param", BAD, ids=[u for u, _ in BAD])
def test_bad_parameters_are_a_clear_4xx_json_error(client, spec, url, param):
    r = client.get(url)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/json")
    body = check(spec, url.split("?")[0], r)
    assert body["error"].startswith("bad parameter: ") and f"{param}:" in body["error"]
    assert any(param in d["loc"] for d in body["detail"])


def test_unknown_api_paths_are_json_404(client):
    for url in ("/api/v1/nope", "/api/v1/stories/a/b", "/api/v2/stories"):
        r = client.get(url)
        assert r.status_code == 404 and r.json() == {"error": "not found"}
