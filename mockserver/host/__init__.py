"""What bends Connexion, Starlette and uvicorn to the mock."""
