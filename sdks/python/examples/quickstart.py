from hissuno import Hissuno, paginate
from hissuno.v1.api.sessions import list_sessions

hissuno = Hissuno()  # reads HISSUNO_API_KEY and HISSUNO_BASE_URL
for session in paginate(list_sessions.sync_detailed, client=hissuno):
    print(session.id, session.status)
