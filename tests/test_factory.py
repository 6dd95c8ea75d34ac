import os
import subprocess
import sys

from server import create_app
from server.config import PROJECT_ROOT, Config
from tests.conftest import make_config


def test_config_object_is_used(tmp_path, redis_url):
    app = create_app(make_config(tmp_path, f"sqlite:///{tmp_path}/x.db", redis_url))
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.db"
    assert app.instance_path == str((tmp_path / "instance").resolve())


def test_embedded_defaults_live_in_the_instance_folder(tmp_path):
    app = create_app(Config(INSTANCE_PATH=str(tmp_path / "inst")))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'spontane.db'}"
    # The secret key is generated once into the instance folder and reused.
    key = (tmp_path / "inst" / "secret_key").read_text()
    assert app.config["SECRET_KEY"] == key
    assert create_app(Config(INSTANCE_PATH=str(tmp_path / "inst"))).config["SECRET_KEY"] == key
    other = create_app(Config(INSTANCE_PATH=str(tmp_path / "other")))
    assert other.config["SECRET_KEY"] != key


def test_importing_the_package_does_no_io(tmp_path):
    # A bare import must not create the instance folder, a database or a Redis server.
    instance = tmp_path / "instance"
    code = "import server, server.models, server.extensions, server.cli, server.data.cli"
    env = {**os.environ, "INSTANCE_PATH": str(instance), "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert not instance.exists()
