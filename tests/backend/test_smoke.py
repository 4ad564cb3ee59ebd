def test_health_names_the_database(client, backend_name):
    reply = client.get("/api/v1/health")
    assert reply.status_code == 200
    assert reply.json["status"] == "ok"
    assert reply.json["database"] == backend_name


def test_a_poem_round_trips_whitespace_exact(client, poet):
    body = "  Verde que te quiero verde.\n\n\tVerde viento. Verdes ramas. ñ é 🌊  \n"
    created = client.post(
        "/api/v1/poems", json={"title": "  Romance  ", "body": body}, headers=poet.headers
    )
    assert created.status_code == 201, created.json
    assert created.json["title"] == "Romance"
    fetched = client.get(created.headers["Location"])
    assert fetched.json["body"] == body
    assert fetched.headers["ETag"] == '"1"'
