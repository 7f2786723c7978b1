"""Configuration: discovery by walking up, precedence flag > env > file, located errors, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from citelint.config import (
    Config,
    ConfigError,
    find_config_file,
    from_environment,
    load_config,
    resolve_config,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A repository root (has .git) with a manuscript two directories down."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "repo" / "paper" / "chapter" / "refs.bib", "@article{a, title={A}}\n")
    return tmp_path / "repo"


def test_defaults_without_a_config_file(repo: Path) -> None:
    config = load_config(repo / "paper" / "chapter" / "refs.bib")
    assert config == Config()
    assert config.config_file is None
    assert config.fail_on == "error" and config.offline is False
    assert config.crossref_url == "https://api.crossref.org"


def test_pyproject_found_walking_up_from_the_input(repo: Path) -> None:
    pyproject = write(repo / "pyproject.toml", """
[project]
name = "paper"

[tool.citelint]
fail-on = "warning"
mailto = "editor@example.org"
cache-dir = ".cache/citelint"
snapshots = ["fixtures/snap.jsonl"]
disable = ["off-topic"]
manuscripts = ["paper/chapter/refs.bib"]

[tool.citelint.severity]
journal-abbreviation = "info"

[tool.citelint.options.off-topic]
threshold = 0.2
""")
    config = load_config(repo / "paper" / "chapter" / "refs.bib")
    assert config.config_file == pyproject
    assert config.fail_on == "warning"
    assert config.mailto == "editor@example.org"
    assert config.cache_dir == repo / ".cache" / "citelint"  # relative to the file
    assert config.snapshots == [repo / "fixtures" / "snap.jsonl"]
    assert config.manuscripts == [repo / "paper" / "chapter" / "refs.bib"]
    assert not config.rule_enabled("off-topic") and config.rule_enabled("retracted")
    assert config.severity_for("journal-abbreviation", "warning") == "info"
    assert config.severity_for("retracted", "error") == "error"
    assert config.rule_options("off-topic") == {"threshold": 0.2}
    assert config.origins["fail_on"] == str(pyproject)


def test_nearest_file_wins_and_citelint_toml_beats_pyproject(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.citelint]\nfail-on = "never"\n')
    nearer = write(repo / "paper" / "pyproject.toml", '[tool.citelint]\nfail-on = "warning"\n')
    assert find_config_file(repo / "paper" / "chapter" / "refs.bib") == nearer
    toml = write(repo / "paper" / "citelint.toml", 'fail-on = "error"\n')
    assert find_config_file(repo / "paper" / "chapter") == toml


def test_pyproject_without_a_citelint_table_is_skipped(repo: Path) -> None:
    write(repo / "paper" / "pyproject.toml", '[project]\nname = "x"\n')
    root = write(repo / "pyproject.toml", "[tool.citelint]\noffline = true\n")
    assert find_config_file(repo / "paper" / "chapter" / "refs.bib") == root


def test_search_stops_at_the_git_root(repo: Path) -> None:
    write(repo.parent / "citelint.toml", 'fail-on = "never"\n')  # outside the repository
    assert find_config_file(repo / "paper" / "chapter" / "refs.bib") is None


def test_explicit_file_is_used_and_must_exist(repo: Path, tmp_path: Path) -> None:
    other = write(tmp_path / "elsewhere" / "ci.toml", "offline = true\n")
    assert load_config(repo / "paper", explicit=other).offline is True
    with pytest.raises(ConfigError, match="missing.toml: config file not found"):
        load_config(repo, explicit=tmp_path / "missing.toml")
    bare = write(tmp_path / "pyproject.toml", "[project]\n")
    with pytest.raises(ConfigError, match=r"no \[tool.citelint\] table"):
        load_config(repo, explicit=bare)


@pytest.mark.parametrize(("text", "message"), [
    ('[tool.citelint]\nfail_onn = "warning"\n',
     r"pyproject.toml: tool.citelint.fail_onn: unknown key \(did you mean 'fail-on'\?\)"),
    ('[tool.citelint]\ndisable = ["pages-mismach"]\n',
     r"pyproject.toml: tool.citelint.disable: unknown rule 'pages-mismach' "
     r"\(did you mean 'pages-mismatch'\?\)"),
    ('[tool.citelint.severity]\nretracted = "fatal"\n',
     r"tool.citelint.severity.retracted: expected one of error, warning, info, not 'fatal'"),
    ('[tool.citelint.options.no-such-rule]\nx = 1\n',
     r"tool.citelint.options.no-such-rule: unknown rule"),
    ('[tool.citelint]\noffline = "sometimes"\n',
     r"tool.citelint.offline: expected true or false"),
    ('[tool.citelint]\nsources = ["crossref", "scopus"]\n',
     r"tool.citelint.sources: unknown source 'scopus'"),
    ('[tool.citelint]\ncrossref-url = "api.crossref.org"\n',
     r"tool.citelint.crossref-url: expected an http:// or https:// URL"),
    ('[tool.citelint\n', r"pyproject.toml: not valid TOML"),
    ('[tool.citelint.options.duplicate-reference]\nthreshold = "high"\n',
     r"pyproject.toml: tool.citelint.options.duplicate-reference.threshold: expected a number "
     r"from 0 to 1, not 'high'"),
    ('[tool.citelint.options.title-mismatch]\nthreshold = 1.5\n',
     r"tool.citelint.options.title-mismatch.threshold: expected a number from 0 to 1, not 1.5"),
    ('[tool.citelint.options.off-topic]\nmethod = "bert"\n',
     r'tool.citelint.options.off-topic.method: expected one of "auto", "tfidf", "embedding", '
     r"not 'bert'"),
    ('[tool.citelint.options.off-topic]\nmin-references = 2.5\n',
     r"tool.citelint.options.off-topic.min-references: expected a whole number of at least 1"),
    ('[tool.citelint.options.off-topic]\nmax_share = true\n',
     r"tool.citelint.options.off-topic.max_share: expected a number from 0 to 1, not True"),
])
def test_bad_settings_name_the_file_and_key(repo: Path, text: str, message: str) -> None:
    write(repo / "pyproject.toml", text)
    with pytest.raises(ConfigError, match=message):
        load_config(repo / "paper" / "chapter" / "refs.bib")


def test_api_key_in_a_config_file_is_refused(repo: Path) -> None:
    write(repo / "citelint.toml", 'openalex-api-key = "sk-secret-123"\n')
    with pytest.raises(ConfigError, match="CITELINT_OPENALEX_API_KEY") as caught:
        load_config(repo)
    assert "sk-secret-123" not in str(caught.value)


def test_environment_variables_map_to_settings() -> None:
    env = {
        "CITELINT_MAILTO": "ci@example.org", "CITELINT_OFFLINE": "1",
        "CITELINT_CACHE_DIR": "/tmp/cl-cache", "CITELINT_FAIL_ON": "never",
        "CITELINT_CROSSREF_URL": "http://localhost:8080/", "CITELINT_OPENALEX_URL":
        "http://localhost:8081", "CITELINT_DOI_URL": "http://localhost:8082",
        "CITELINT_SOURCES": "crossref, doi", "CITELINT_DISABLE": "off-topic,doi-missing",
        "OPENALEX_API_KEY": "fallback", "CITELINT_OPENALEX_API_KEY": "preferred",
        "UNRELATED": "x",
    }
    settings = from_environment(env)
    assert settings == {
        "mailto": "ci@example.org", "offline": True, "cache_dir": Path("/tmp/cl-cache"),
        "fail_on": "never", "crossref_url": "http://localhost:8080",
        "openalex_url": "http://localhost:8081", "doi_url": "http://localhost:8082",
        "sources": ["crossref", "doi"], "disable": ["off-topic", "doi-missing"],
        "openalex_api_key": "preferred",
    }
    assert from_environment({"CITELINT_OFFLINE": "0"}) == {"offline": False}
    assert from_environment({"OPENALEX_API_KEY": "k"}) == {"openalex_api_key": "k"}


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="environment variable CITELINT_OFFLINE: expected true"):
        from_environment({"CITELINT_OFFLINE": "maybe"})
    with pytest.raises(ConfigError, match="environment variable CITELINT_FAIL_ON"):
        from_environment({"CITELINT_FAIL_ON": "errors"})


def test_precedence_flag_over_env_over_file(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.citelint]\nfail-on = "warning"\n'
          'mailto = "file@example.org"\noffline = true\nbaseline = "base.json"\n')
    start = repo / "paper"
    env = {"CITELINT_FAIL_ON": "never", "CITELINT_MAILTO": "env@example.org"}
    from_file = resolve_config(start, environ={})
    assert (from_file.fail_on, from_file.mailto) == ("warning", "file@example.org")
    from_env = resolve_config(start, environ=env)
    assert (from_env.fail_on, from_env.mailto) == ("never", "env@example.org")
    assert from_env.offline is True and from_env.baseline == repo / "base.json"
    from_flags = resolve_config(start, environ=env, flags={"fail_on": "error", "mailto": None})
    assert (from_flags.fail_on, from_flags.mailto) == ("error", "env@example.org")
    assert from_flags.origins["fail_on"] == "command line"
    assert from_flags.origins["mailto"] == "env CITELINT_MAILTO"


def test_citelint_config_variable_names_the_file(repo: Path, tmp_path: Path) -> None:
    other = write(tmp_path / "shared.toml", 'fail-on = "never"\n')
    config = resolve_config(repo, environ={"CITELINT_CONFIG": str(other)})
    assert config.config_file == other and config.fail_on == "never"


def test_api_key_comes_from_env_and_never_shows_in_repr(repo: Path) -> None:
    config = resolve_config(repo, environ={"CITELINT_OPENALEX_API_KEY": "sk-secret-123"})
    assert config.openalex_api_key == "sk-secret-123"
    assert "sk-secret-123" not in repr(config)
    assert "sk-secret-123" not in str(config)
    assert config.describe()["openalex_api_key"] == "(set)"
    assert "sk-secret-123" not in str(config.describe())


def test_unknown_flag_setting_is_an_error() -> None:
    with pytest.raises(ConfigError, match="command line: unknown setting 'colour'"):
        Config().merged({"colour": "red"}, "command line")


def test_rule_options_are_taken_with_their_declared_types(repo: Path) -> None:
    write(repo / "citelint.toml", "[options.off-topic]\nthreshold = 2\nmin-references = 8\n"
          '[options.title-mismatch]\nthreshold = 1\n')
    config = load_config(repo)
    assert config.rule_options("off-topic") == {"threshold": 2.0, "min_references": 8}
    assert isinstance(config.rule_options("off-topic")["threshold"], float)
    assert config.rule_options("title-mismatch") == {"threshold": 1.0}


def test_every_rule_option_is_declared_with_a_default_that_passes_its_own_check() -> None:
    from citelint.rules import Option, all_rules

    for rule in all_rules():
        for name, option in getattr(rule, "OPTIONS", {}).items():
            assert isinstance(option, Option), f"{rule.ID}.{name}"
            if option.default is not None:
                assert option.validate(option.default) == option.default
