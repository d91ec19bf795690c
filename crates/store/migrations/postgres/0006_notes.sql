-- Notes a lifter wrote in another app (Strong's workout and set notes, Hevy's
-- descriptions and exercise notes, FitNotes' comments) or sent with a session: on
-- the session, on an exercise entry, on a set. NULL when there is none; the engine
-- never reads them. 1 to 2,000 characters, trimmed (pullback_core::Note).
ALTER TABLE sessions ADD COLUMN note TEXT CHECK (note IS NULL OR note <> '');
ALTER TABLE exercises ADD COLUMN note TEXT CHECK (note IS NULL OR note <> '');
ALTER TABLE sets ADD COLUMN note TEXT CHECK (note IS NULL OR note <> '');
