# Lets plain `flask …` commands find the app from the project root.
FLASK_APP=server:create_app
FLASK_RUN_HOST=127.0.0.1
FLASK_RUN_PORT=5000
