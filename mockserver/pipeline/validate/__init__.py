"""The validate step (400, 422), one module per concern; ``operation`` runs them in Connexion's order."""
