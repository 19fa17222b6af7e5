-- The web application's language a user chose (en, de); NULL: the browser's (issue 17).
ALTER TABLE users ADD COLUMN locale TEXT;
