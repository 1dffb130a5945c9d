"""Department assistants (맞춤형 도우미): a department's own instructions, knowledge bases
and allowed models, shared with chosen departments and listed in a catalogue."""
