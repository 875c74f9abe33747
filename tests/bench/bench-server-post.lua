-- wrk script: POST /api/v1/calls (a new call and its caller token per request)
wrk.method = "POST"
wrk.body = '{"name":"Bench Caller","reason":"benchmark"}'
wrk.headers["Content-Type"] = "application/json"
