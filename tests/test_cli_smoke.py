from conftest import cell, make_site, run_cli, write_notebook


def test_help_lists_convert():
    done = run_cli("--help", check=True)
    assert "convert" in done.stdout


def test_convert_one_notebook(tmp_path):
    site = make_site(tmp_path / "site")
    write_notebook(site / "_notebooks" / "2024-02-03-hello.ipynb", [cell("markdown", "# Hello: world\n> A summary"), cell("code", "print(1)")])
    done = run_cli("convert", "--site", str(site), str(site / "_notebooks"), check=True)
    post = site / "_posts" / "2024-02-03-hello.md"
    assert post.is_file(), done.stderr
    text = post.read_text()
    assert "title: 'Hello: world'" in text
    assert "description: A summary" in text
