"""The seeded data: the fixture file's definition, the seeder that turns it into documents, and its words."""
