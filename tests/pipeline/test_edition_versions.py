"""The edition `serve` keeps in memory holds a story's versions once (copydesk.publish.revisions.share_versions):
the version published now is the story itself, and what two versions have in common (a source, a sentence) is one
object, so the edition grows with what changed, not with the number of versions times the story."""

from __future__ import annotations

from test_joint_statement import STATEMENT, _desk, _line


def test_the_edition_holds_each_version_once_with_what_they_share(tmp_path):
    d = _desk(tmp_path)
    d.import_lines(
        [_line("https://west.test/1", "west", "Joint statement on preventing war", STATEMENT, "2022-01-03T08:00:00Z")]
    )
    d.process()
    d.write()
    d.import_lines(
        [_line("https://east.test/9", "east", "Joint Statement on Preventing War", STATEMENT, "2022-01-03T16:05:00Z")]
    )
    d.process()
    d.write()
    [es] = d.edition().stories
    assert [r.n for r in es.revisions] == [1, 2]
    first, now = es.revisions[0].written, es.revisions[-1].written
    assert now is es.story  # not a second copy of the story published now
    assert first.sources[0] == es.story.sources[0] or first.sources[0] in es.story.sources
    assert any(s is t for s in first.sources for t in es.story.sources)  # the source both versions cite: once
    # the same values as the store gives them, each version whole
    stored = d.store.revisions(es.story.story_id)
    assert [r.written for r in es.revisions] == [r.written for r in stored]
    d.close()
